# Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
# Test helpers: the libavcodec decoding oracle and the encode/decode round
# trip through the public API; synthetic clips and the strict decoding come
# from the media module (tools/media/). roundtrip.c calls the hwenc API, so
# the tests that use it also link hwenc_static (the public API only) or
# hwenc_internal (internals too) themselves.
# Include from tests/CMakeLists.txt: include(${CMAKE_CURRENT_LIST_DIR}/common/common.cmake)
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
pkg_check_modules(LIBAV REQUIRED IMPORTED_TARGET libavcodec libavutil)
add_library(hwenc_testcommon STATIC
    ${CMAKE_CURRENT_LIST_DIR}/avdecode.c
    ${CMAKE_CURRENT_LIST_DIR}/hrd_check.c
    ${CMAKE_CURRENT_LIST_DIR}/hrd_stream.c
    ${CMAKE_CURRENT_LIST_DIR}/roundtrip.c)
target_link_libraries(hwenc_testcommon PUBLIC hwenc_media PkgConfig::LIBAV Threads::Threads m)
