# The Debian package: `cpack -G DEB` in the build tree (scripts/dev package) writes
# asynclab_<version>_<arch>.deb. Its Depends are computed by dpkg-shlibdeps from the libraries
# the binary links, never typed here.
set(ASYNCLAB_DEB_MAINTAINER "asynclab maintainers <maintainers@users.noreply.h-seed-c53fae82.example>"
    CACHE STRING "The .deb's Maintainer field")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME asynclab)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT ${ASYNCLAB_DEB_MAINTAINER})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
# Debian wants the long description in lines of under 80 columns.
string(JOIN "\n" CPACK_PACKAGE_DESCRIPTION
  "asynclab teaches the ideas behind Python's asyncio through numbered lessons"
  "that run on a real coroutine engine (C++20 on libuv), stream their output"
  "live, and draw a timeline of what every task did and when. A quiz checks"
  "what stuck.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION education)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# `trace` (and later `check`) runs the learner's Python; every other command works without it.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "python3 (>= 3.9)")
include(CPack)
