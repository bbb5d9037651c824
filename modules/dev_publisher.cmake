# Creates the development publisher key once (KEY) and writes a trust file (TRUST) that trusts it as
# PUBLISHER. An existing key is kept; only the trust file is rewritten from it.
# Usage: cmake -DCRYFTEE=... -DKEY=... -DTRUST=... -DPUBLISHER=... -P dev_publisher.cmake
get_filename_component(dev_dir ${KEY} DIRECTORY)
file(MAKE_DIRECTORY ${dev_dir})
if(EXISTS ${KEY})
  set(verb pubkey --key ${KEY})
else()
  set(verb keygen --out ${KEY})
endif()
execute_process(COMMAND ${CRYFTEE} module ${verb} --id ${PUBLISHER} --trust-out ${TRUST}
                OUTPUT_QUIET RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "`cryftee module ${verb}` failed (${result})")
endif()
