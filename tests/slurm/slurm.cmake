# Chunked encoding on one machine (tests/slurm/test_chunked.sh) needs no
# cluster and runs everywhere.
add_test(NAME chunked_encode COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/slurm/test_chunked.sh $<TARGET_FILE:hwenc_cli>)

# Tests on a real single-node Slurm that tests/slurm/cluster.sh starts as
# root. They report SKIPPED (exit 77), never passed, where that cannot run.
add_test(NAME slurm_cluster COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/slurm/test_slurm_cluster.sh)
set_tests_properties(slurm_cluster PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 120)
# The encodes on the cluster run in the plain build only: under the
# sanitizers their 6000-odd frames would take minutes, and the segment
# options and the fresh start they use are checked there by chunked_encode.
if(NOT HWENC_SANITIZE)
    add_test(NAME slurm_encode COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/slurm/test_slurm_encode.sh
             $<TARGET_FILE:hwenc_cli>)
    set_tests_properties(slurm_encode PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 600)
endif()
