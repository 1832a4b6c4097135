# qnx/common.mk - what every variant directory (nto-<cpu>-<variant>) of the
# QNX recursive make does: configure, build and install wrt-platform with the
# project's own CMake build and QNX toolchain files (cmake/toolchains), the
# way the qnx-ports build-files drive CMake from common.mk. One definition of
# the build, so `make` and `cmake` give the same library, wrtp and adapter.
#
# Knobs (make VAR=value):
#   WRT_QNX_SDP      7.1 or 8.0; default from $QNX_TARGET (.../target/qnx7
#                    is 7.1, anything else 8.0)
#   INSTALL_ROOT     where `make install` puts files on the host; default
#                    $(INSTALL_ROOT_nto) from the SDP's qconfig.mk, else
#                    $QNX_TARGET (as qnx-ports do): the library lands in
#                    $(INSTALL_ROOT)/<cpu>$(PREFIX)/lib, its headers in
#                    $(INSTALL_ROOT)/<cpu>$(PREFIX)/include
#   PREFIX           the prefix on the target; default /usr/local
#   CMAKE_BUILD_TYPE default Release
#   WRT_BUILD_ROOT   where the CMake build trees go: <it>/<variant dir>;
#                    default: build/ inside each variant directory
#   JLEVEL           parallel jobs (as in QNX's and qnx-ports' makefiles)
#   WRT_CMAKE_ARGS   more -D... for CMake (e.g. -DWRT_WERROR=ON,
#                    -DWRT_WASM_RT_INCLUDE_DIR=/path/to/wabt/wasm2c)
ifndef QCONFIG
QCONFIG=qconfig.mk
endif
WRT_QCONFIG := $(firstword $(wildcard $(QCONFIG) $(addsuffix /$(QCONFIG),$(.INCLUDE_DIRS))))
ifneq ($(WRT_QCONFIG),)
include $(WRT_QCONFIG)
endif

WRT_ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
# The variant from the directory's name, as QNX's rules read it:
# nto-aarch64-le -> aarch64le, nto-x86_64-o -> x86_64.
WRT_VARIANT_DIR := $(notdir $(CURDIR))
WRT_CPU := $(word 2,$(subst -, ,$(WRT_VARIANT_DIR)))
WRT_ENDIAN := $(filter le be,$(word 3,$(subst -, ,$(WRT_VARIANT_DIR))))
WRT_CPUVARDIR := $(WRT_CPU)$(WRT_ENDIAN)
ifeq ($(filter aarch64le x86_64,$(WRT_CPUVARDIR)),)
$(error wrt-platform builds for nto-aarch64-le and nto-x86_64-o only, not $(WRT_VARIANT_DIR))
endif
ifeq ($(QNX_TARGET),)
$(error QNX_TARGET is not set: source the SDP's qnxsdp-env.sh first)
endif

WRT_QNX_SDP ?= $(if $(filter %/qnx7,$(patsubst %/,%,$(QNX_TARGET))),7.1,8.0)
INSTALL_ROOT ?= $(if $(INSTALL_ROOT_nto),$(INSTALL_ROOT_nto),$(QNX_TARGET))
PREFIX ?= /usr/local
CMAKE_BUILD_TYPE ?= Release
WRT_BUILD := $(if $(WRT_BUILD_ROOT),$(WRT_BUILD_ROOT)/$(WRT_VARIANT_DIR),build)
WRT_TOOLCHAIN := $(WRT_ROOT)/cmake/toolchains/qnx-$(WRT_QNX_SDP)-$(WRT_CPUVARDIR).cmake

.DEFAULT_GOAL := all
.PHONY: all install clean wrt_all
all: wrt_all

wrt_all:
	cmake -S $(WRT_ROOT) -B $(WRT_BUILD) -DCMAKE_TOOLCHAIN_FILE=$(WRT_TOOLCHAIN) \
	  -DCMAKE_BUILD_TYPE=$(CMAKE_BUILD_TYPE) -DCMAKE_INSTALL_PREFIX=$(PREFIX) $(WRT_CMAKE_ARGS)
	cmake --build $(WRT_BUILD) $(if $(JLEVEL),-j $(JLEVEL))

install: wrt_all
	cmake --install $(WRT_BUILD) --prefix $(INSTALL_ROOT)/$(WRT_CPUVARDIR)$(PREFIX)

clean:
	rm -rf $(WRT_BUILD)
