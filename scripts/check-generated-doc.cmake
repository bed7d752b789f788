# Fails when a generated document committed under docs/ differs from what its generator prints now,
# showing the difference and the command that regenerates it. The tests docs.rpcs_up_to_date and
# docs.flags_up_to_date run it (tests/CMakeLists.txt):
#   cmake -DGEN=PROGRAM [-DARGS=ARG...] -DDOC=FILE -P scripts/check-generated-doc.cmake
cmake_minimum_required(VERSION 3.25)
foreach(required GEN DOC)
  if(NOT DEFINED ${required})
    message(FATAL_ERROR "check-generated-doc: -D${required}=… is required")
  endif()
endforeach()

list(JOIN ARGS " " args_text)
set(regenerate "${GEN} ${args_text} > ${DOC}")
execute_process(COMMAND ${GEN} ${ARGS} OUTPUT_VARIABLE generated ERROR_VARIABLE errors RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "check-generated-doc: `${GEN} ${args_text}` failed (${result}):\n${errors}")
endif()
if(NOT EXISTS ${DOC})
  message(FATAL_ERROR "${DOC} is missing. Generate it with:\n  ${regenerate}")
endif()
file(READ ${DOC} committed)
if(committed STREQUAL generated)
  message(STATUS "${DOC} is up to date")
  return()
endif()

get_filename_component(name ${DOC} NAME)
set(fresh ${CMAKE_CURRENT_BINARY_DIR}/${name}.generated)
file(WRITE ${fresh} "${generated}")
execute_process(COMMAND diff -u ${DOC} ${fresh})
message(FATAL_ERROR "${DOC} is out of date: above, `-` is the committed file and `+` what the generator "
                    "prints now (kept in ${fresh}). Regenerate it with:\n  ${regenerate}\nand commit it.")
