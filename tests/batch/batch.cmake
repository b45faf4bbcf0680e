# Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
#
# hwenc batch and hwenc encode --stats (test_batch.sh lists the cases).
foreach(case report interrupt refusals write_errors)
    add_test(NAME batch_${case} COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/batch/test_batch.sh
             $<TARGET_FILE:hwenc_cli> ${case})
    set_tests_properties(batch_${case} PROPERTIES TIMEOUT 300)
endforeach()
# The GeForce session limit, against the NVENC stand-in.
if(TARGET hwenc_standin_nvenc)
    add_test(NAME batch_sessions COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/batch/test_batch.sh
             $<TARGET_FILE:hwenc_cli> sessions)
    set_tests_properties(batch_sessions PROPERTIES ENVIRONMENT "${NVENC_ENV}" TIMEOUT 300)
endif()
