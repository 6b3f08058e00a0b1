# Network tests: linuxu images on a tap device in a network namespace that
# each test makes and removes (tests/net/nettest.py); real clients: curl,
# nc, ping, wrk, python sockets. Need root; they fail with that reason
# otherwise.
set(_net ${KILN_SRC}/tests/net/nettest.py)
set(_http ${KILN_TEST_IMAGES}/net-http/httpserver_linuxu-x86_64)
set(_echo ${KILN_TEST_IMAGES}/net-echo/echo_linuxu-x86_64)
foreach(_t http:${_http} malformed:${_http} wrk:${_http} idle:${_http} denied:${_http}
           echo:${_echo} ping:${_echo})
  string(REPLACE ":" ";" _p ${_t})
  list(GET _p 0 _name)
  list(GET _p 1 _img)
  add_test(NAME net.linuxu.${_name} COMMAND /usr/bin/python3 ${_net} ${_name} ${_img})
  set_tests_properties(net.linuxu.${_name} PROPERTIES TIMEOUT 180)
endforeach()
# wrk measures throughput: not alongside the other tests.
set_tests_properties(net.linuxu.wrk net.linuxu.idle PROPERTIES RUN_SERIAL TRUE)

# Malformed frames written straight onto the tap (tests/net/frames.py):
# the image must keep answering ping and curl. kvm on each virtio transport.
set(_frames ${KILN_SRC}/tests/net/frames.py)
set(_http_kvm ${KILN_TEST_IMAGES}/net-http/httpserver_kvm-x86_64)
add_test(NAME net.linuxu.frames COMMAND /usr/bin/python3 ${_frames} linuxu ${_http})
add_test(NAME net.kvm.frames COMMAND /usr/bin/python3 ${_frames} kvm ${_http_kvm} microvm virtio-net-device)
add_test(NAME net.kvm.frames_pci_legacy COMMAND /usr/bin/python3 ${_frames} kvm ${_http_kvm} q35 virtio-net-pci,disable-modern=on)
add_test(NAME net.kvm.frames_pci_modern COMMAND /usr/bin/python3 ${_frames} kvm ${_http_kvm} pc virtio-net-pci,disable-legacy=on)
# The same with the device in polling mode (no receive interrupts).
add_test(NAME net.kvm.frames_poll COMMAND /usr/bin/python3 ${_frames} kvm ${_http_kvm} microvm virtio-net-device
         virtio_net.poll=1)
set_tests_properties(net.linuxu.frames net.kvm.frames net.kvm.frames_pci_legacy net.kvm.frames_pci_modern
                     net.kvm.frames_poll
                     PROPERTIES TIMEOUT 180)
