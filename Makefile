# Kiln: thin front end over kconfiglib, CMake and Ninja. See docs/build.md.
#
#   make [A=<app folder>] [O=<build dir>] [V=1]   build every selected image
#   make menuconfig | defconfig [DEFCONFIG=file] | <app>_defconfig | olddefconfig
#   make savedefconfig | allyesconfig | alldefconfig
#   make run [ARGS="..."]     build and run the default image
#       [PLAT=<platform: a folder of plat/>] [NET=user|tap:IF] [PORTS="8080 udp:7007"] [RUNFLAGS="support/run.sh flags"]
#   make debug [ARGS="..."]   run it stopped under QEMU's gdb stub, attach gdb
#   make test                 every test (host, image, integration)
#   make bench [BENCH=part]   benchmarks: table + build/bench/results.json
#   make setup                install the Debian packages the build needs
#   make clean | distclean | help

SRC := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
PY := /usr/bin/python3
SHELL := /bin/bash
# With O=<dir> the build dir holds its own .config; otherwise it is ./.config.
ifneq ($(filter command line environment,$(origin O)),)
KCONFIG_CONFIG ?= $(abspath $(O))/.config
endif
KCONFIG_CONFIG ?= $(SRC)/.config
O ?= $(SRC)/build
override O := $(abspath $(O))
override KCONFIG_CONFIG := $(abspath $(KCONFIG_CONFIG))

# The application: A=... if given, else the one the .config was made for,
# else helloworld. Kept relative to the tree when inside it.
CFG_APP := $(shell sed -n 's/^CONFIG_KILN_APP_DIR="\(.*\)"/\1/p' $(KCONFIG_CONFIG) 2>/dev/null)
APP_IN := $(or $(A),$(CFG_APP),apps/helloworld)
APP_ABS := $(abspath $(if $(filter /%,$(APP_IN)),$(APP_IN),$(if $(A),$(CURDIR),$(SRC))/$(APP_IN)))
APP_DIR := $(patsubst $(SRC)/%,%,$(APP_ABS))
APP := $(notdir $(APP_ABS))
# The architectures are the folders arch/<arch>/ (image names end in -<arch>).
ARCHS := $(patsubst $(SRC)/arch/%/arch.cmake,%,$(wildcard $(SRC)/arch/*/arch.cmake))

# Environment for kconfiglib, given per command (not exported, so nested
# builds, e.g. from tests, never inherit this build's .config).
KENV := srctree=$(SRC) KILN_APP_DIR=$(APP_DIR) KCONFIG_CONFIG=$(KCONFIG_CONFIG) \
        MENUCONFIG_STYLE=$${MENUCONFIG_STYLE:-aquatic}

NINJA_FLAGS := $(if $(filter 1,$(V)),-v,)
Q := $(if $(filter 1,$(V)),,@)

.PHONY: all build setup menuconfig defconfig olddefconfig savedefconfig allyesconfig \
        alldefconfig syncconfig run debug test bench clean distclean help check-app

all: build

setup:
	$(Q)$(SRC)/support/setup.sh

check-app:
	$(Q)test -d "$(APP_ABS)" || { echo "kiln: app folder $(APP_ABS) does not exist" >&2; exit 1; }
	$(Q)test -f "$(APP_ABS)/CMakeLists.txt" -o -f "$(APP_ABS)/sources.txt" || \
	  { echo "kiln: $(APP_ABS) is not a Kiln app: it needs CMakeLists.txt or sources.txt (docs/apps.md)" >&2; exit 1; }

$(KCONFIG_CONFIG):
	$(Q)$(MAKE) -s -f $(SRC)/Makefile defconfig

menuconfig: setup check-app
	$(Q)mkdir -p $(dir $(KCONFIG_CONFIG))
	$(Q)cd $(SRC) && $(KENV) $(PY) -m menuconfig $(SRC)/Kconfig

defconfig: setup check-app
	$(Q)mkdir -p $(dir $(KCONFIG_CONFIG))
	$(Q)if [ -n "$(DEFCONFIG)" ]; then base="$(abspath $(DEFCONFIG))"; \
	  elif [ -f "$(APP_ABS)/defconfig" ]; then base="$(APP_ABS)/defconfig"; else base=/dev/null; fi; \
	  cd $(SRC) && $(KENV) $(PY) -m defconfig --kconfig $(SRC)/Kconfig $$base >/dev/null && \
	  echo "kiln: $(KCONFIG_CONFIG) set up for $(APP_DIR)"

%_defconfig:
	$(Q)test -d $(SRC)/apps/$* || { echo "kiln: no app apps/$* (see apps/)" >&2; exit 1; }
	$(Q)$(MAKE) -s -f $(SRC)/Makefile A=$(SRC)/apps/$* defconfig

olddefconfig: setup check-app
	$(Q)cd $(SRC) && $(KENV) $(PY) -m olddefconfig $(SRC)/Kconfig >/dev/null

savedefconfig: setup check-app $(KCONFIG_CONFIG)
	$(Q)cd $(SRC) && $(KENV) $(PY) -m savedefconfig --kconfig $(SRC)/Kconfig --out $(O)/defconfig >/dev/null
	$(Q)echo "kiln: minimal config written to $(O)/defconfig"

allyesconfig alldefconfig: setup check-app
	$(Q)mkdir -p $(dir $(KCONFIG_CONFIG))
	$(Q)cd $(SRC) && $(KENV) $(PY) -m $@ $(SRC)/Kconfig >/dev/null && echo "kiln: $(KCONFIG_CONFIG) is now $@"

syncconfig: setup check-app $(KCONFIG_CONFIG)
	$(Q)$(KENV) $(PY) $(SRC)/support/kconfig/kilnconfig.py sync $(KCONFIG_CONFIG) $(O)

build: syncconfig
	$(Q)if [ ! -f $(O)/obj/build.ninja ]; then \
	  cmake -G Ninja -S $(SRC) -B $(O)/obj -DKILN_CONFIG_DIR=$(O) -DKILN_OUT_DIR=$(O) \
	    -DKILN_DEPS_DIR=$(SRC)/build/deps $(if $(filter 1,$(V)),,>/dev/null) || \
	  { rm -f $(O)/obj/build.ninja; exit 1; }; fi
	$(Q)ninja -C $(O)/obj $(NINJA_FLAGS) $(if $(filter 1,$(V)),,| grep -v '^ninja: ' ; test $${PIPESTATUS[0]} -eq 0)
	$(Q)ls $(foreach a,$(ARCHS),$(O)/$(APP)_*-$(a)) 2>/dev/null | sed 's|^|kiln: image |'

# PLAT=<platform> (which image; default the first of kvm, linuxu, xen found: support/run.sh), NET=user|tap:IF, PORTS="[tcp:|udp:]HOST[:GUEST] ..." (forwards for NET=user),
# DISKS="FILE[,ro] ..." (kvm: virtio-blk disks vda, vdb, ...),
# SHARES="TYPE:TAG:DIR[,ro] ..." (kvm: host folders, e.g. 9p:data:$$HOME/data or virtiofs:data:/srv/data)
# and RUNFLAGS (any other support/run.sh flags) go to the runner.
RUN_NET := $(if $(PLAT),--platform $(PLAT)) $(if $(NET),--net $(NET)) $(foreach p,$(PORTS),--hostfwd $(p)) \
  $(foreach d,$(DISKS),--disk $(d)) $(foreach s,$(SHARES),--share $(s)) $(RUNFLAGS)

# ARGS is the image's whole command line, "kiln options -- app args" (no
# `--`: every word is the app's), handed to the runner as --append, which
# splits it as the image does. make cannot exit with the app's status: a
# failed recipe makes it exit 2 ("Error N" and the line below name the
# app's status N); support/run.sh itself exits with the app's status.
RUN_CMDLINE = --append '$(subst ','\'',$(ARGS))'

run: build
	$(Q)$(SRC)/support/run.sh --build $(O) --app $(APP) $(RUN_NET) $(RUN_CMDLINE) || \
	  { s=$$?; echo "kiln: make run: the app exited with status $$s (make exits 2; support/run.sh exits $$s)" >&2; exit $$s; }

# The image under gdb, stopped at its entry (kvm: QEMU's gdb stub; linuxu:
# gdb runs the process): support/run.sh --debug, per platform.
debug: build
	$(Q)$(SRC)/support/run.sh --build $(O) --app $(APP) $(RUN_NET) $(RUN_CMDLINE) --debug

test: setup
	$(Q)$(SRC)/support/test.sh

bench: setup
	$(Q)$(SRC)/support/bench.sh $(BENCH)

clean:
	$(Q)rm -rf $(O)/obj $(O)/include $(O)/config.cmake $(foreach a,$(ARCHS),$(O)/*-$(a) $(O)/*-$(a).dbg) $(O)/*.map

distclean:
	$(Q)rm -rf $(SRC)/build $(SRC)/.config $(SRC)/.config.old

help:
	@sed -n '2,11p' $(SRC)/Makefile | sed 's/^# \{0,1\}//'
