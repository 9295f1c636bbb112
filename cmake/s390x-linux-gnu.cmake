# CMake toolchain file: cross-build se-attest for s390x (64-bit, big-endian) Linux.
#
#   cmake -S . -B build-s390x -DCMAKE_TOOLCHAIN_FILE=cmake/s390x-linux-gnu.cmake \
#         -DSE_ATTEST_S390X_SYSROOT=/path/to/sysroot
#
# Compilers: s390x-linux-gnu-gcc/g++ (Debian package g++-s390x-linux-gnu).
# Libraries and headers come from a Debian s390x sysroot made by qemu-s390x/make-sysroot.sh.
# The sysroot is taken from (first found): the cache variable SE_ATTEST_S390X_SYSROOT, the
# environment variable of the same name, <repo>/build-s390x/sysroot.
# Tests run under qemu-user: CMAKE_CROSSCOMPILING_EMULATOR is `qemu-s390x-static -L <sysroot>`,
# used by ctest and by gtest_discover_tests (binfmt_misc is not needed).

set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR s390x)
set(CMAKE_LIBRARY_ARCHITECTURE s390x-linux-gnu)

set(CMAKE_C_COMPILER s390x-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER s390x-linux-gnu-g++)

# ---- sysroot ---------------------------------------------------------------------------------
# This file is read again for every try_compile project; pass the variable on to those.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES SE_ATTEST_S390X_SYSROOT)

if(NOT SE_ATTEST_S390X_SYSROOT)
  if(DEFINED ENV{SE_ATTEST_S390X_SYSROOT} AND NOT "$ENV{SE_ATTEST_S390X_SYSROOT}" STREQUAL "")
    set(_se_sysroot "$ENV{SE_ATTEST_S390X_SYSROOT}")
  else()
    get_filename_component(_se_sysroot "${CMAKE_CURRENT_LIST_DIR}/../build-s390x/sysroot" ABSOLUTE)
  endif()
  set(SE_ATTEST_S390X_SYSROOT "${_se_sysroot}" CACHE PATH "s390x sysroot (qemu-s390x/make-sysroot.sh)")
  unset(_se_sysroot)
endif()
if(NOT IS_DIRECTORY "${SE_ATTEST_S390X_SYSROOT}/usr/lib/s390x-linux-gnu")
  message(FATAL_ERROR
    "No s390x sysroot at '${SE_ATTEST_S390X_SYSROOT}'. Make one with "
    "qemu-s390x/make-sysroot.sh DIR and pass -DSE_ATTEST_S390X_SYSROOT=DIR.")
endif()
# Keep it in the environment too: try_compile projects and re-runs of this file see it.
set(ENV{SE_ATTEST_S390X_SYSROOT} "${SE_ATTEST_S390X_SYSROOT}")

set(CMAKE_SYSROOT "${SE_ATTEST_S390X_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH "${SE_ATTEST_S390X_SYSROOT}")

# Headers, libraries and package configs only from the sysroot; programs from the host.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# ---- link against the sysroot's own C library -------------------------------------------------
# The cross gcc searches its own /usr/s390x-linux-gnu/lib (libc6-dev-s390x-cross) for crt*.o
# and libc before the sysroot; the programs run against the sysroot's libc under qemu, so make
# the driver take start files and libc from the sysroot (-B puts the dir first for both).
# -rpath-link lets ld resolve the transitive libraries (libsystemd -> libzstd, liblz4, libcap,
# libgcrypt -> libgpg-error, ...) inside the sysroot's multiarch dirs.
set(_se_libdirs
  "${SE_ATTEST_S390X_SYSROOT}/usr/lib/s390x-linux-gnu"
  "${SE_ATTEST_S390X_SYSROOT}/lib/s390x-linux-gnu")
set(_se_link "-B${SE_ATTEST_S390X_SYSROOT}/usr/lib/s390x-linux-gnu/")
foreach(_d IN LISTS _se_libdirs)
  string(APPEND _se_link " -L${_d} -Wl,-rpath-link,${_d}")
endforeach()
set(CMAKE_EXE_LINKER_FLAGS_INIT "${_se_link}")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "${_se_link}")
set(CMAKE_MODULE_LINKER_FLAGS_INIT "${_se_link}")
unset(_se_link)
unset(_se_libdirs)
unset(_d)

# ---- pkg-config into the sysroot --------------------------------------------------------------
set(ENV{PKG_CONFIG_SYSROOT_DIR} "${SE_ATTEST_S390X_SYSROOT}")
set(ENV{PKG_CONFIG_LIBDIR}
  "${SE_ATTEST_S390X_SYSROOT}/usr/lib/s390x-linux-gnu/pkgconfig:${SE_ATTEST_S390X_SYSROOT}/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")

# ---- run target programs (tests) under qemu-user ----------------------------------------------
find_program(SE_ATTEST_QEMU_S390X qemu-s390x-static)
if(NOT SE_ATTEST_QEMU_S390X)
  message(FATAL_ERROR "qemu-s390x-static not found (Debian package qemu-user-static)")
endif()
set(CMAKE_CROSSCOMPILING_EMULATOR "${SE_ATTEST_QEMU_S390X};-L;${SE_ATTEST_S390X_SYSROOT}")
