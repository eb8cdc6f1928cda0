#!/usr/bin/env bash
# Drives the bash completion the program writes (`asynclab completions bash`) the way bash does
# on Tab: COMP_WORDS and COMP_CWORD set, the function called, COMPREPLY checked.
#   completion_test.sh ASYNCLAB_BINARY
set -uo pipefail
program=$(realpath "$1")
script=$("$program" completions bash) || { echo "asynclab completions bash failed" >&2; exit 1; }
eval "$script"
failures=0

# expect LINE WANT: Tab pressed at the end of LINE gives COMPREPLY WANT ("a|b"). A line ending in
# a space completes a new, empty word; "=" is a word of its own, as in bash's COMP_WORDBREAKS.
expect() {
    local line=$1 want=$2
    read -ra COMP_WORDS <<<"${line//=/ = }"
    [[ $line == *' ' ]] && COMP_WORDS+=("")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE=$line COMP_POINT=${#line} COMP_TYPE=9
    COMPREPLY=()
    _asynclab asynclab "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    local got
    got=$(printf '%s|' "${COMPREPLY[@]}")
    if [[ ${got%|} != "$want" ]]; then
        printf 'FAIL: %q\n  want: %s\n  got:  %s\n' "$line" "$want" "${got%|}" >&2
        failures=$((failures + 1))
    fi
}

# Commands (the hidden `completions` is not offered), and the global options.
expect 'asynclab ' 'list|run|show|quiz|progress|view|trace|exercise|check|hint'
expect 'asynclab r' 'run'
expect 'asynclab pro' 'progress'
expect 'asynclab --v' '--version'
# Lesson numbers listed with their slugs; one that fits is inserted as its number, typed or
# picked by slug.
expect 'asynclab run ' '1 -- tasks|2 -- timeouts|3 -- queue|4 -- semaphore|5 -- executor|6 -- resilience|7 -- structure|8 -- cache'
expect 'asynclab run t' '1 -- tasks|2 -- timeouts'
expect 'asynclab show que' '3'
expect 'asynclab quiz 5' '5'
expect 'asynclab list ' '--help|-h|--json'
# After `run N`, lesson N's knobs and no other lesson's.
expect 'asynclab run 3 --w' '--workers|--work'
expect 'asynclab run 5 --' '--help|--clock|--speed|--seed|--demo|--json|--no-pause|--trace|--no-color|--jobs|--block|--pool|--tick'
expect 'asynclab run 1 --ma' ''
expect 'asynclab show 3 --w' ''
# --demo offers lesson N's demo ids, wherever N stands.
expect 'asynclab run 4 --demo ' 'limit|lock|event'
expect 'asynclab run --demo l' ''
expect 'asynclab run --clock virtual 2 --demo s' 'swallowed-cancel'
expect 'asynclab run 6 --demo=' 'retry|breaker'
# --clock's values, also as --clock=...; a value is skipped when looking for N.
expect 'asynclab run 1 --clock ' 'real|virtual'
expect 'asynclab run 1 --clock v' 'virtual'
expect 'asynclab run 1 --clock=r' 'real'
expect 'asynclab run --seed 3 ' '1 -- tasks|2 -- timeouts|3 -- queue|4 -- semaphore|5 -- executor|6 -- resilience|7 -- structure|8 -- cache'
expect 'asynclab run 3 --workers 4 --m' '--maxsize'
# A value the learner picks is not guessed at.
expect 'asynclab run 3 --workers ' ''
expect 'asynclab quiz --answers ' ''
# --trace takes a file name.
cd "$(mktemp -d)" && touch trace-a.json trace-b.json || exit 1
expect 'asynclab run 1 --trace tr' 'trace-a.json|trace-b.json'

# The command is hidden from --help, and an unknown shell is bad usage: one line, exit 2.
help=$("$program" --help) || { echo "FAIL: asynclab --help failed" >&2; exit 1; }
if grep -q completions <<<"$help"; then
    echo "FAIL: asynclab --help shows the hidden completions command" >&2
    failures=$((failures + 1))
fi
err=$("$program" completions fish 2>&1 >/dev/null)
rc=$?
if [[ $rc -ne 2 || $(wc -l <<<"$err") -ne 1 || $err != *fish* ]]; then
    printf 'FAIL: asynclab completions fish: exit %s, stderr: %s\n' "$rc" "$err" >&2
    failures=$((failures + 1))
fi
# Whole, then its first line: `| head -1` would close the pipe under a script still writing.
zsh_script=$("$program" completions zsh)
[[ ${zsh_script%%$'\n'*} == '#compdef asynclab' ]] ||
    { echo "FAIL: the zsh script does not start with #compdef asynclab" >&2; failures=$((failures + 1)); }

if ((failures > 0)); then
    echo "$failures completion case(s) failed" >&2
    exit 1
fi
echo "all completion cases passed"
