# Runs PROGRAM with ARGS and writes what it prints to OUTPUT; fails, leaving no OUTPUT, when it
# fails (a shell redirection would leave a truncated file that looks up to date).
#
#   cmake -DPROGRAM=asynclab -DARGS="completions|bash" -DOUTPUT=asynclab.bash -P run_to_file.cmake
string(REPLACE "|" ";" ARGS "${ARGS}")
execute_process(COMMAND ${PROGRAM} ${ARGS} OUTPUT_FILE ${OUTPUT}.tmp RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  file(REMOVE ${OUTPUT}.tmp)
  message(FATAL_ERROR "${PROGRAM} ${ARGS}: ${rc}")
endif()
file(RENAME ${OUTPUT}.tmp ${OUTPUT})
