# The command-line programs. Each is one *_cli.c file over the library, plus
# paperdex_cli: helpers only programs use (JSON output), kept out of
# libpaperdex (common/json.h).
add_library(paperdex_cli STATIC ${PDX_PROGRAM_ONLY_SOURCES})
target_include_directories(paperdex_cli PUBLIC ${CMAKE_SOURCE_DIR}/common)
# hit_json.c (searcher/) sees searcher/'s headers; its users include
# "hit_json.h" through their own searcher/ include path.
target_include_directories(paperdex_cli PRIVATE ${CMAKE_SOURCE_DIR}/searcher)
target_link_libraries(paperdex_cli PUBLIC paperdex)

add_executable(paperdex-index ${CMAKE_SOURCE_DIR}/indexer/index_cli.c
               ${CMAKE_SOURCE_DIR}/indexer/watch_cli.c) # --watch
target_include_directories(paperdex-index PRIVATE ${CMAKE_SOURCE_DIR}/common)
target_link_libraries(paperdex-index PRIVATE paperdex_cli)

if(EXISTS ${CMAKE_SOURCE_DIR}/searcher/search_cli.c)
  add_executable(paperdex-search ${CMAKE_SOURCE_DIR}/searcher/search_cli.c)
  target_include_directories(paperdex-search PRIVATE ${CMAKE_SOURCE_DIR}/common
                             ${CMAKE_SOURCE_DIR}/searcher)
  target_link_libraries(paperdex-search PRIVATE paperdex_cli)
endif()

# paperdex-bench: build, latency, effectiveness and scale benchmarks (bench/).
if(PAPERDEX_BENCH)
  add_executable(paperdex-bench ${CMAKE_SOURCE_DIR}/bench/bench_cli.c
                 ${CMAKE_SOURCE_DIR}/bench/bench_stats.c ${CMAKE_SOURCE_DIR}/bench/bench_gen.c)
  target_include_directories(paperdex-bench PRIVATE ${CMAKE_SOURCE_DIR}/bench)
  target_link_libraries(paperdex-bench PRIVATE paperdex m)
  # The tokenizer micro-benchmark (not run by bench/run.sh; see the file).
  add_executable(tokenizer_bench ${CMAKE_SOURCE_DIR}/bench/tokenizer_bench.c)
  target_link_libraries(tokenizer_bench PRIVATE paperdex)
endif()

# paperdex-serve (server/): the HTTP API and search page over libmicrohttpd.
# The page is one HTML file compiled in as a C array (server/embed.cmake).
pkg_check_modules(MHD IMPORTED_TARGET libmicrohttpd)
if(NOT MHD_FOUND)
  message(FATAL_ERROR "libmicrohttpd not found: apt-get install libmicrohttpd-dev")
endif()
find_package(Threads REQUIRED)
add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/page_html.c
  COMMAND ${CMAKE_COMMAND} -DIN=${CMAKE_SOURCE_DIR}/server/page.html
          -DOUT=${CMAKE_BINARY_DIR}/page_html.c -DNAME=pdx_page_html
          -P ${CMAKE_SOURCE_DIR}/server/embed.cmake
  DEPENDS ${CMAKE_SOURCE_DIR}/server/page.html ${CMAKE_SOURCE_DIR}/server/embed.cmake
  COMMENT "Embedding server/page.html")
add_executable(paperdex-serve ${CMAKE_SOURCE_DIR}/server/serve_main.c
               ${CMAKE_SOURCE_DIR}/server/serve_api.c ${CMAKE_SOURCE_DIR}/server/serve_index.c
               ${CMAKE_SOURCE_DIR}/server/serve_reaper.c
               ${CMAKE_BINARY_DIR}/page_html.c)
target_include_directories(paperdex-serve PRIVATE ${CMAKE_SOURCE_DIR}/common
                           ${CMAKE_SOURCE_DIR}/searcher ${CMAKE_SOURCE_DIR}/server)
target_link_libraries(paperdex-serve PRIVATE paperdex_cli PkgConfig::MHD Threads::Threads)
install(TARGETS paperdex-serve RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
