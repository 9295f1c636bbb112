# se_attest_layer(NAME [PUBLIC deps...] [PRIVATE deps...]): the static library seattest_NAME of
# every lib/NAME/*.cc below the calling folder (a file's folder is its layer), and the rules that
# keep the layers apart (docs/design.md):
# - its include root (below the build folder) holds a link to lib/NAME alone: the library, and
#   whoever links it, sees "NAME/x.h" and the headers of the layers it links, nothing else. An
#   include of a layer above or beside fails to compile (quoted includes are looked up beside
#   the including file first, and no layer folder holds another).
# - layer_check_NAME links the library whole with nothing but its declared dependencies: a call
#   into anything undeclared (OpenSSL from core, libblkid from crypto, a host verb from the boot
#   flow) is an undefined symbol, and the build fails.
# tests/layering builds forged trees with it to show both rules fail the build.
function(se_attest_layer name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "PUBLIC;PRIVATE")
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/lib/${name}/*.cc)
  set(target seattest_${name})
  add_library(${target} STATIC ${sources})
  set(root ${CMAKE_CURRENT_BINARY_DIR}/include/${name})
  file(MAKE_DIRECTORY ${root})
  file(CREATE_LINK ${CMAKE_CURRENT_SOURCE_DIR}/lib/${name} ${root}/${name} SYMBOLIC)
  target_include_directories(${target} PUBLIC ${root})
  target_link_libraries(${target} PUBLIC ${arg_PUBLIC} PRIVATE ${arg_PRIVATE})
  add_executable(layer_check_${name} ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/layer_check.cc)
  target_link_libraries(layer_check_${name} PRIVATE "$<LINK_LIBRARY:WHOLE_ARCHIVE,${target}>")
endfunction()
