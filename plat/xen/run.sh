# The xen runner (sourced by support/run.sh): the image as a PVH domU under
# the real-Xen test rig (Xen 4.17 + a Debian dom0 in QEMU TCG); the exit
# status comes back through xenstore. docs/xen.md.
[ ${#disks[@]} -eq 0 ] || die "--disk: virtio-blk disks are kvm's (this is xen; docs/storage.md)"
[ "$net" = none ] || die "--net is not supported for xen images yet (no netfront)"
[ $gdb = 1 ] && die "--gdb is for kvm and linuxu images"
image_words
echo "kiln-run: xen: booting Xen 4.17 + a Debian dom0 under QEMU TCG (about 20 s), then the image as a PVH domU" >&2
exec /usr/bin/python3 "$SRC/support/xen/run-xen.py" "$image" -- "${words[@]}"
