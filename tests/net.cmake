# Network tests (tests/net/nettest.py) with real clients: curl, nc, ping,
# wrk, python sockets, dnsmasq. Images start through support/run.sh and its
# --net flags.
#   net.linuxu.*      linuxu image on a tap in a namespace the test makes
#   net.kvm.*         kvm image under QEMU (TCG here) on a tap in a namespace
#                     (microvm, virtio-mmio)
#   net.kvm.user.*    kvm image under QEMU user networking, ports forwarded
#                     from 127.0.0.1 (no root, no namespace); also q35 with
#                     legacy virtio-pci and pc with modern virtio-pci
# The tap tests need root; they fail with that reason otherwise.
set(_net ${KILN_SRC}/tests/net/nettest.py)
set(_http ${KILN_TEST_IMAGES}/net-http/httpserver_linuxu-x86_64)
set(_echo ${KILN_TEST_IMAGES}/net-echo/echo_linuxu-x86_64)
set(_probe ${KILN_TEST_IMAGES}/net-probe/netprobe_linuxu-x86_64)
set(_http6 ${KILN_TEST_IMAGES}/net-http6/httpserver_linuxu-x86_64)
set(_http_kvm ${KILN_TEST_IMAGES}/net-http/httpserver_kvm-x86_64)
set(_echo_kvm ${KILN_TEST_IMAGES}/net-echo/echo_kvm-x86_64)
set(_probe_kvm ${KILN_TEST_IMAGES}/net-probe/netprobe_kvm-x86_64)
set(_http6_kvm ${KILN_TEST_IMAGES}/net-http6/httpserver_kvm-x86_64)
foreach(_t linuxu.http:http:${_http} linuxu.malformed:malformed:${_http} linuxu.wrk:wrk:${_http}
           linuxu.idle:idle:${_http} linuxu.denied:denied:${_http} linuxu.echo:echo:${_echo}
           linuxu.ping:ping:${_echo} linuxu.dhcp:dhcp:${_http} linuxu.dhcp_late:dhcp_late:${_http}
           linuxu.dns:dns:${_probe}
           linuxu.ipv6:ipv6:${_http6}
           kvm.http:http:${_http_kvm} kvm.malformed:malformed:${_http_kvm} kvm.wrk:wrk:${_http_kvm}
           kvm.echo:echo:${_echo_kvm} kvm.ping:ping:${_echo_kvm} kvm.dhcp:dhcp:${_http_kvm}
           kvm.dhcp_late:dhcp_late:${_http_kvm}
           kvm.dns:dns:${_probe_kvm} kvm.ipv6:ipv6:${_http6_kvm})
  string(REPLACE ":" ";" _p ${_t})
  list(GET _p 0 _name)
  list(GET _p 1 _test)
  list(GET _p 2 _img)
  add_test(NAME net.${_name} COMMAND /usr/bin/python3 ${_net} ${_test} ${_img})
  set_tests_properties(net.${_name} PROPERTIES TIMEOUT 240)
endforeach()
# QEMU user networking (kvm only): the name, the test, the image, runner flags.
foreach(_t "http|http|${_http_kvm}|" "echo|echo|${_echo_kvm}|"
           "http_pci_legacy|http|${_http_kvm}|--machine;q35;--net-model;pci-legacy"
           "http_pci_modern|http|${_http_kvm}|--machine;pc;--net-model;pci-modern")
  string(REPLACE "|" ";" _p "${_t}")
  list(GET _p 0 _name)
  list(GET _p 1 _test)
  list(GET _p 2 _img)
  list(SUBLIST _p 3 -1 _flags)
  add_test(NAME net.kvm.user.${_name} COMMAND /usr/bin/python3 ${_net} ${_test} ${_img} --user ${_flags})
  set_tests_properties(net.kvm.user.${_name} PROPERTIES TIMEOUT 240)
endforeach()
# wrk measures throughput, idle measures CPU time: not alongside other tests.
set_tests_properties(net.linuxu.wrk net.linuxu.idle net.kvm.wrk PROPERTIES RUN_SERIAL TRUE)

# Malformed frames written straight onto the tap (tests/net/frames.py):
# the image must keep answering ping and curl. kvm on each virtio transport.
set(_frames ${KILN_SRC}/tests/net/frames.py)
add_test(NAME net.linuxu.frames COMMAND /usr/bin/python3 ${_frames} linuxu ${_http})
add_test(NAME net.kvm.frames COMMAND /usr/bin/python3 ${_frames} kvm ${_http_kvm} microvm mmio)
add_test(NAME net.kvm.frames_pci_legacy COMMAND /usr/bin/python3 ${_frames} kvm ${_http_kvm} q35 pci-legacy)
add_test(NAME net.kvm.frames_pci_modern COMMAND /usr/bin/python3 ${_frames} kvm ${_http_kvm} pc pci-modern)
# The same with the device in polling mode (no receive interrupts).
add_test(NAME net.kvm.frames_poll COMMAND /usr/bin/python3 ${_frames} kvm ${_http_kvm} microvm mmio
         virtio_net.poll=1)
set_tests_properties(net.linuxu.frames net.kvm.frames net.kvm.frames_pci_legacy net.kvm.frames_pci_modern
                     net.kvm.frames_poll
                     PROPERTIES TIMEOUT 180)

# Connection limits (issue 12): 10,000 concurrent keep-alive connections,
# each with a GET, all answered and all still open at the end (kvm: 512 MiB
# of guest memory, which holds them; see docs/network.md); and at a
# deliberately low descriptor limit (fd.max=40) the extra clients wait in
# the backlog, none is closed unanswered, the limit is logged once.
add_test(NAME net.linuxu.conns10k COMMAND /usr/bin/python3 ${_net} conns10k ${_http})
add_test(NAME net.linuxu.connlimit COMMAND /usr/bin/python3 ${_net} connlimit ${_http})
add_test(NAME net.kvm.conns10k COMMAND /usr/bin/python3 ${_net} conns10k ${_http_kvm} --mem 512M)
add_test(NAME net.kvm.conns2k COMMAND /usr/bin/python3 ${_net} conns2k ${_http_kvm} --mem 256M)
add_test(NAME net.kvm.connlimit COMMAND /usr/bin/python3 ${_net} connlimit ${_http_kvm})
set_tests_properties(net.linuxu.conns10k net.kvm.conns10k net.kvm.conns2k PROPERTIES TIMEOUT 420 RUN_SERIAL TRUE)
set_tests_properties(net.linuxu.connlimit net.kvm.connlimit PROPERTIES TIMEOUT 240)
