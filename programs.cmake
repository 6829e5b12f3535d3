# The command-line programs. Each is one *_cli.c file over the library, plus
# paperdex_cli: helpers only programs use (JSON output), kept out of
# libpaperdex (common/json.h).
add_library(paperdex_cli STATIC ${PDX_PROGRAM_ONLY_SOURCES})
target_include_directories(paperdex_cli PUBLIC ${CMAKE_SOURCE_DIR}/common)
# hit_json.c (searcher/) sees searcher/'s headers; its users include
# "hit_json.h" through their own searcher/ include path.
target_include_directories(paperdex_cli PRIVATE ${CMAKE_SOURCE_DIR}/searcher)
target_link_libraries(paperdex_cli PUBLIC paperdex)

add_executable(paperdex-index ${CMAKE_SOURCE_DIR}/indexer/index_cli.c)
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
