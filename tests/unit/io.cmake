# Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
# Unit tests of the frame I/O and of the decoding oracle. Needs the targets
# hwenc_video_io (tools/media/media.cmake) and hwenc_testcommon
# (tests/common/common.cmake). Both tests use ffmpeg when it is on PATH.
add_executable(test_video_io ${CMAKE_CURRENT_LIST_DIR}/test_video_io.c)
target_link_libraries(test_video_io PRIVATE hwenc_video_io hwenc_testcommon)
add_test(NAME video_io COMMAND test_video_io)
set_tests_properties(video_io PROPERTIES TIMEOUT 60)

add_executable(test_avdecode ${CMAKE_CURRENT_LIST_DIR}/test_avdecode.c)
target_link_libraries(test_avdecode PRIVATE hwenc_testcommon)
add_test(NAME avdecode COMMAND test_avdecode)
set_tests_properties(avdecode PROPERTIES TIMEOUT 60)
