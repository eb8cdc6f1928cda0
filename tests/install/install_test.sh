#!/usr/bin/env bash
# `cmake --install` into a temporary prefix, then the installed program run from another folder
# as a learner would run it: it needs nothing from the source or the build tree.
#   install_test.sh CMAKE BUILD_DIR SOURCE_DIR VERSION
set -euo pipefail
cmake=$1 build=$2 source=$3 version=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
fail() {
    printf 'FAIL: %s\n' "$*" >&2
    exit 1
}

"$cmake" --install "$build" --prefix "$prefix" >/dev/null

# Exactly these files: nothing of the tests or the benchmark.
expected='bin/asynclab
share/bash-completion/completions/asynclab
share/doc/asynclab/changelog.gz
share/doc/asynclab/copyright
share/man/man1/asynclab.1.gz
share/zsh/vendor-completions/_asynclab'
actual=$(cd "$prefix" && find . ! -type d | sed 's|^\./||' | LC_ALL=C sort)
[[ $actual == "$expected" ]] || fail "installed files: $(diff <(echo "$expected") <(echo "$actual"))"

mkdir "$work/elsewhere" "$work/home"
cd "$work/elsewhere"
# Only the installed program on PATH, progress kept away from the developer's, lesson text from
# the binary.
installed() {
    env -u ASYNCLAB_LESSON_DATA ASYNCLAB_HOME="$work/home" PATH="$prefix/bin:/usr/bin:/bin" "$@"
}

[[ $(installed asynclab --version) == "asynclab $version" ]] ||
    fail "--version: $(installed asynclab --version)"
installed asynclab list >list.txt || fail "asynclab list exited $?"
grep -q 'queue' list.txt || fail "asynclab list does not name lesson 3, queue: $(cat list.txt)"
installed asynclab run 1 --clock virtual --json >run.json || fail "asynclab run 1 exited $?"
grep -q '"slug": "tasks"' run.json || fail "run 1 --json is not lesson 1's report: $(head -c 300 run.json)"
# Into files first: grep -q stops reading at its match, and a listing cut short is exit 1.
installed asynclab show 3 --code cpp >source.cpp || fail "show 3 --code cpp exited $?"
grep -q 'lesson_queue' source.cpp || fail "show 3 --code cpp lacks the lesson's source"
installed asynclab show 3 --code >twin.py || fail "show 3 --code exited $?"
grep -q 'asyncio.Queue(args.maxsize)' twin.py || fail "show 3 --code lacks the lesson's asyncio twin"

# What the program opens while it runs: nothing under the source (or build) tree. Where ptrace
# is not allowed (some containers) strace cannot run; say so rather than pass in silence.
if command -v strace >/dev/null && strace -o /dev/null true 2>/dev/null; then
    installed strace -f -e trace=%file -o trace.txt asynclab run 3 --clock virtual --json >/dev/null
    installed strace -f -e trace=%file -A -o trace.txt asynclab show 2 >/dev/null
    if grep -F "\"$source/" trace.txt; then
        fail "the installed program opened the files above from the source tree"
    fi
else
    echo "strace cannot trace here: the check that nothing is read from $source was not run"
fi

# The man page is the program's: its version, and a section for every command.
page=$(zcat "$prefix/share/man/man1/asynclab.1.gz")
grep -q "^\.TH ASYNCLAB \"1\" .*\"asynclab $version\"" <<<"$page" || fail "man page header: $(head -3 <<<"$page")"
for command in list run show quiz progress; do
    grep -q "^\.SS \"asynclab $command\"" <<<"$page" || fail "man page has no section for $command"
done

# bash-completion (2.11, Debian 12) finds the completion where it looks for a user's own:
# $XDG_DATA_HOME/bash-completion/completions, which is where the default prefix ~/.local puts it.
if [[ -f /usr/share/bash-completion/bash_completion ]]; then
    loaded=$(installed XDG_DATA_HOME="$prefix/share" bash -c '
        source /usr/share/bash-completion/bash_completion
        __load_completion asynclab && complete -p asynclab') || true
    [[ $loaded == 'complete -F _asynclab asynclab' ]] || fail "bash-completion did not load it: $loaded"
else
    echo "bash-completion is not installed: the check that it finds the completion was not run"
fi
echo "installed into $prefix and ran from $work/elsewhere"
