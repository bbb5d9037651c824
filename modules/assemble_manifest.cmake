# Writes OUT, an unsigned manifest.json: one entry per module in MODULE_IDS, made of the module's
# module.json (as copied to MODULE_DIR/<id>/) plus dir, file and publisherId. `cryftee module sign`
# then fills in hash, gui file hashes and signature.
# Usage: cmake "-DMODULE_IDS=a;b" -DMODULE_DIR=... -DPUBLISHER=... -DOUT=... -P assemble_manifest.cmake
set(manifest "{\"version\": \"1\", \"modules\": []}")
set(index 0)
foreach(id ${MODULE_IDS})
  file(READ ${MODULE_DIR}/${id}/module.json entry)
  string(JSON declared_id ERROR_VARIABLE error GET "${entry}" id)
  if(error OR NOT declared_id STREQUAL id)
    message(FATAL_ERROR "${MODULE_DIR}/${id}/module.json must have \"id\": \"${id}\"")
  endif()
  string(JSON entry SET "${entry}" dir "\"${id}\"")
  string(JSON entry SET "${entry}" file "\"${id}.wasm\"")
  string(JSON entry SET "${entry}" publisherId "\"${PUBLISHER}\"")
  string(JSON manifest SET "${manifest}" modules ${index} "${entry}")
  math(EXPR index "${index} + 1")
endforeach()
file(WRITE ${OUT} "${manifest}\n")
