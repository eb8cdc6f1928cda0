# Writes asynclab(1), gzipped as Debian expects: help2man turns `PROGRAM --help` and
# `--version` into the page, and each command's own --help becomes a COMMANDS section, so the
# page says what the program says. INCLUDE adds the prose --help has no room for.
#
#   cmake -DPROGRAM=asynclab -DHELP2MAN=help2man -DGZIP=gzip -DINCLUDE=asynclab.h2m
#         -DNAME="one line" -DOUTPUT=asynclab.1.gz -P man_page.cmake
function(run out)
  execute_process(COMMAND ${ARGN} OUTPUT_VARIABLE text RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${ARGN}: ${rc}")
  endif()
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

# Roff: a backslash is \e, a minus is \-, and a line may not start with . or '.
function(roff out text)
  string(REPLACE "\\" "\\e" text "${text}")
  string(REPLACE "-" "\\-" text "${text}")
  string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" text "${text}")
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

# The commands are the lines under "Subcommands:" in the top-level help, up to a blank line.
run(help ${PROGRAM} --help)
string(REGEX REPLACE ".*\nSubcommands:\n" "" listing "${help}")
string(REGEX REPLACE "\n\n.*" "" listing "${listing}")
string(REGEX MATCHALL "(^|\n)  [a-z]+" names "${listing}")
if(NOT names)
  message(FATAL_ERROR "no commands found in `${PROGRAM} --help`")
endif()

get_filename_component(dir "${OUTPUT}" DIRECTORY)
set(commands "[COMMANDS]\n")
foreach(name IN LISTS names)
  string(STRIP "${name}" name)
  run(text ${PROGRAM} ${name} --help)
  roff(text "${text}")
  string(APPEND commands ".SS \"asynclab ${name}\"\n.nf\n${text}.fi\n")
endforeach()
file(WRITE "${dir}/commands.h2m" "${commands}")

get_filename_component(page "${OUTPUT}" NAME_WLE)
# In its default C locale help2man turns the description's em dash into "???".
run(ignored ${HELP2MAN} --no-info --locale=C.UTF-8 --section=1 "--name=${NAME}"
    "--include=${dir}/commands.h2m" "--include=${INCLUDE}" "--output=${dir}/${page}" ${PROGRAM})
run(ignored ${GZIP} -9nf "${dir}/${page}")
