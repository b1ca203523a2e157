"""The wire format between grader and worker carries data, never code."""
import io
import json
import struct

import numpy as np
import pytest

from grader.public import protocol


def test_a_message_round_trips_with_arrays_tuples_and_int_keys():
    message = {"out": np.arange(6.0).reshape(2, 3), "pair": (1, 2.5), "accuracies": {3: [0.5, 0.25]}, "none": None}
    decoded = protocol.decode(protocol.encode(message))
    assert decoded["pair"] == (1, 2.5) and decoded["accuracies"] == {3: [0.5, 0.25]} and decoded["none"] is None
    np.testing.assert_array_equal(decoded["out"], message["out"])


@pytest.mark.parametrize("value", [object(), np.array([object()]), lambda: 1, {1, 2}])
def test_values_that_are_not_plain_data_are_refused(value):
    with pytest.raises(protocol.ProtocolError):
        protocol.encode({"out": value})


def test_an_npz_or_pickle_payload_is_refused():
    buffer = io.BytesIO()
    np.savez(buffer, a0=np.array([{"x": 1}], dtype=object))
    with pytest.raises(protocol.ProtocolError, match="unreadable message"):
        protocol.decode(buffer.getvalue())


@pytest.mark.parametrize("dtype", ["|O", "|V8", "<M8[s]", "<U3"])
def test_an_array_of_a_non_numeric_dtype_is_refused(dtype):
    head = json.dumps({"message": {"__array__": "a0"}, "arrays": [["a0", dtype, [1]]]}).encode()
    with pytest.raises(protocol.ProtocolError):
        protocol.decode(protocol.HEAD.pack(len(head)) + head + b"\0" * 16)


def test_a_head_that_promises_more_bytes_than_sent_is_refused():
    payload = protocol.encode({"out": np.zeros(4)})
    with pytest.raises(protocol.ProtocolError):
        protocol.decode(payload[:-8])


def test_the_same_array_used_twice_travels_once_and_arrives_as_two_copies():
    x = np.arange(1000.0)
    payload = protocol.encode({"first": x, "second": x})
    assert len(payload) < 1000 * 8 * 2
    decoded = protocol.decode(payload)
    decoded["first"][0] = -1.0
    assert decoded["second"][0] == 0.0


class FakeSocket:
    def __init__(self, data):
        self.data = data

    def recv(self, size):
        chunk, self.data = self.data[:size], self.data[size:]
        return chunk


def test_a_message_over_the_size_limit_is_refused_before_it_is_read():
    with pytest.raises(protocol.ProtocolError, match="the limit is"):
        protocol.recv(FakeSocket(struct.pack(">Q", 10**12)), limit=1000)


def test_a_peer_that_hangs_up_mid_message_raises_eof():
    with pytest.raises(EOFError):
        protocol.recv(FakeSocket(struct.pack(">Q", 100) + b"short"))


def test_a_plain_copy_does_not_change_when_the_original_does():
    original = np.zeros(3)
    copy = protocol.plain_copy({"out": original})
    original[0] = 1.0
    assert copy["out"][0] == 0.0


def test_a_plain_copy_keeps_a_zero_dimensional_array_as_it_is():
    assert protocol.plain_copy(np.array(2.5)).shape == ()


# ------------------------------------------------------- forged and slow replies
def test_a_forged_32_mib_head_is_refused_before_it_is_parsed():
    """A head like [[],[],...] would make millions of Python lists out of 32 MiB."""
    import tracemalloc
    head = b"[" + b"[]," * (32 * 2**20 // 3) + b"[]]"
    payload = protocol.HEAD.pack(len(head)) + head
    tracemalloc.start()
    with pytest.raises(protocol.ProtocolError, match="a head of"):
        protocol.decode(payload)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 2**20


def test_a_reply_sent_a_byte_at_a_time_ends_at_the_case_deadline():
    """A worker that trickles its answer cannot keep a case past its time limit."""
    import socket
    import subprocess
    import threading
    import time
    from grader.public.runner import Job, Worker
    from grader.public.plan import Call, to_wire

    ours, theirs = socket.socketpair()
    stand_in = subprocess.Popen(["sleep", "60"])  # the process the runner kills at the end

    def trickling_worker():
        protocol.send(theirs, protocol.hello(stand_in.pid, "off"))
        protocol.recv(theirs)
        reply = protocol.encode(protocol.outputs({"out": 1}, 1))
        for byte in struct.pack(">Q", len(reply)) + reply:
            time.sleep(0.2)
            try:
                theirs.send(bytes([byte]))
            except OSError:
                return
    threading.Thread(target=trickling_worker, daemon=True).start()
    worker = Worker(stand_in.pid, ours)
    start = time.monotonic()
    outcome = worker.run(Job(to_wire([Call("m:f", save="out")]), timeout=1.0))
    seconds = time.monotonic() - start
    stand_in.wait(timeout=5)
    theirs.close()
    assert outcome.status == "timeout"
    assert seconds < 1.0 + 0.5 + 0.5   # the time limit, the grace to ask where it stopped, slack
