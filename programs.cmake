# The command-line programs. Each is one *_cli.c file over the library.
add_executable(paperdex-index ${CMAKE_SOURCE_DIR}/indexer/index_cli.c)
target_include_directories(paperdex-index PRIVATE ${CMAKE_SOURCE_DIR}/common)
target_link_libraries(paperdex-index PRIVATE paperdex)

if(EXISTS ${CMAKE_SOURCE_DIR}/searcher/search_cli.c)
  add_executable(paperdex-search ${CMAKE_SOURCE_DIR}/searcher/search_cli.c)
  target_include_directories(paperdex-search PRIVATE ${CMAKE_SOURCE_DIR}/common
                             ${CMAKE_SOURCE_DIR}/searcher)
  target_link_libraries(paperdex-search PRIVATE paperdex)
endif()
