"""The only language the trusted grader and a student worker share.

A message is a JSON-able structure whose leaves may be numpy arrays.  On the
wire it is a JSON head -- the skeleton of the message, with
``{"__array__": key}`` where an array was, and each array's dtype and shape --
followed by the arrays' raw bytes.  Only numeric and boolean dtypes are
accepted, so a message can carry data but never code (no pickle, no object
arrays), and reading it costs a JSON parse and a memory copy.  Frames are
length-prefixed.  The same array object used twice is sent once, and every
place that uses it gets a fresh copy on arrival.

Every message the two sides exchange is built and read here (the
constructors and readers at the end), the fork server's control channel
included, so that one page lists all they can say to each other.

This module is imported by the worker, so it must stay small and import
nothing from the rest of the grader.
"""
import json
import socket
import struct
import sys
import time

import numpy as np

HEADER = struct.Struct(">Q")
HEAD = struct.Struct(">I")  # the length of a payload's JSON head
MAX_MESSAGE_BYTES = 256 * 2**20  # a result bigger than this is refused, not read
# A head is the message's skeleton, small even for many outputs (arrays travel
# as raw bytes beside it).  Parsing JSON builds Python objects several times
# its size, so a forged head is refused before it is parsed.
MAX_HEAD_BYTES = 2**20


class ProtocolError(Exception):
    """A message that is malformed, too large, or holds a value we do not carry."""


def to_plain(value, arrays):
    """Return a JSON-able copy of `value`, moving numpy arrays into `arrays`.

    Only plain data passes: None, bool, int, float, str, lists/tuples, dicts
    and numeric/bool arrays.  Tuples and dicts with non-string keys are tagged
    so that `from_plain` gives back the same shape of value.  A torch tensor
    (in a worker that has loaded torch) travels as its numeric array.
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biuf":
            raise ProtocolError(f"an array of dtype {value.dtype} (only numbers and booleans are carried)")
        for key, known in arrays.items():
            if known is value:  # the same inputs in several calls travel once
                return {"__array__": key}
        key = f"a{len(arrays)}"
        arrays[key] = np.asarray(value)  # a plain ndarray, whatever subclass came in
        return {"__array__": key}
    if isinstance(value, tuple):
        return {"__tuple__": [to_plain(v, arrays) for v in value]}
    if isinstance(value, list):
        return [to_plain(v, arrays) for v in value]
    if isinstance(value, dict):
        return {"__dict__": [[to_plain(k, arrays), to_plain(v, arrays)] for k, v in value.items()]}
    array = _tensor_as_array(value)
    if array is not None:
        return to_plain(array, arrays)
    raise ProtocolError(f"a value of type {type(value).__name__}")


def _tensor_as_array(value):
    """A torch tensor's values as a numpy array (detached, on the CPU), or
    None for anything else.  torch is looked up, never imported: a process
    that has not loaded it holds no tensor, and numpy-only grading stays fast."""
    torch = sys.modules.get("torch")
    if torch is None or not isinstance(value, torch.Tensor):
        return None
    array = value.detach().cpu().numpy()
    if not isinstance(array, np.ndarray):  # a subclass whose numpy() returns something else
        raise ProtocolError(f"a tensor of type {type(value).__name__} whose numpy() is not an array")
    return array


def plain_copy(value):
    """A copy of `value` made of plain data only (arrays copied), or ProtocolError.

    Copying at once means a later call cannot change a saved output in place,
    and an object that merely looks like data is caught where it was returned.
    """
    arrays = {}
    skeleton = to_plain(value, arrays)
    return from_plain(skeleton, arrays)


def from_plain(value, arrays):
    """Inverse of `to_plain`."""
    if isinstance(value, list):
        return [from_plain(v, arrays) for v in value]
    if isinstance(value, dict):
        if set(value) == {"__array__"}:
            return np.array(arrays[value["__array__"]])  # a fresh, writable copy for each use
        if set(value) == {"__tuple__"}:
            return tuple(from_plain(v, arrays) for v in value["__tuple__"])
        if set(value) == {"__dict__"}:
            return {_hashable(from_plain(k, arrays)): from_plain(v, arrays) for k, v in value["__dict__"]}
        raise ProtocolError("an untagged mapping")
    return value


def _hashable(key):
    if isinstance(key, np.ndarray):
        raise ProtocolError("an array used as a dictionary key")
    return key


def encode(message):
    arrays = {}
    skeleton = to_plain(message, arrays)
    contiguous = {key: np.ascontiguousarray(array) for key, array in arrays.items()}
    specs = [[key, array.dtype.str, list(array.shape)] for key, array in contiguous.items()]
    head = json.dumps({"message": skeleton, "arrays": specs}).encode()
    return b"".join([HEAD.pack(len(head)), head, *(array.tobytes() for array in contiguous.values())])


def decode(payload):
    try:
        (size,) = HEAD.unpack_from(payload)
        if size > MAX_HEAD_BYTES:
            raise ProtocolError(f"unreadable message (a head of {size:,} bytes; the limit is {MAX_HEAD_BYTES:,})")
        head = json.loads(payload[HEAD.size:HEAD.size + size])
        offset, arrays = HEAD.size + size, {}
        for key, dtype, shape in head["arrays"]:
            dtype = np.dtype(str(dtype))
            if dtype.kind not in "biuf" or not all(isinstance(n, int) and n >= 0 for n in shape):
                raise ProtocolError(f"an array of dtype {dtype} and shape {shape}")
            count = int(np.prod(shape, dtype=np.int64))
            arrays[key] = np.frombuffer(payload, dtype, count, offset).reshape(shape)
            offset += count * dtype.itemsize
        if offset != len(payload):
            raise ProtocolError("a message whose length does not match its head")
        return from_plain(head["message"], arrays)
    except ProtocolError:
        raise
    except Exception as exc:  # any corruption is the sender's fault, never ours
        raise ProtocolError(f"unreadable message ({type(exc).__name__}: {exc})") from None


def send(sock, message):
    send_encoded(sock, encode(message))


def send_encoded(sock, payload):
    """Send a message already encoded (to send the same request to many workers)."""
    sock.sendall(HEADER.pack(len(payload)) + payload)


def recv(sock, limit=MAX_MESSAGE_BYTES, deadline=None):
    """Read one message; raise EOFError when the peer has gone away, and
    socket.timeout at `deadline` (a time.monotonic() value) whatever has
    arrived by then: a peer that sends a byte now and then cannot hold us."""
    (size,) = HEADER.unpack(_read_exactly(sock, HEADER.size, deadline))
    if size > limit:
        raise ProtocolError(f"a message of {size:,} bytes (the limit is {limit:,})")
    return decode(_read_exactly(sock, size, deadline))


def _read_exactly(sock, size, deadline=None):
    chunks, remaining = [], size
    while remaining:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise socket.timeout("the deadline passed while reading a message")
            sock.settimeout(left)
        chunk = sock.recv(min(remaining, 1 << 20))
        if not chunk:
            raise EOFError("the other side closed the connection")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


# ------------------------------------------------------------------ messages
# Grader -> worker: {"run": plan, "id": n, "lend": {module: source}}, one
# per case (see `plan`; "lend": the reference modules the case runs with;
# "seed": where np.random and random start).
# Worker -> grader, each carrying the id of the request it answers:
#   {"enter": unit}                  the worker is about to enter `unit`
#   {"outputs": {name: value}}       the case ran; its saved values
#   {"error": {ERROR_FIELDS}}        the student's code raised
# Worker -> grader, once, before any request: {"hello": {"pid", "sandbox"}}
# or {"hello": {"error": why}}.
# Grader -> fork server (control channel, JSON): SPAWN_FIELDS, with the
# worker's socket attached; reply {"pid": n}.
ERROR_FIELDS = ("unit", "type", "message", "where", "function")
SPAWN_FIELDS = ("root", "limits", "avoid", "sandbox", "account")
MAX_TEXT = 2000   # characters of any string a worker sends that the grader keeps


def run(plan, number, lend=None, seed=0):
    return {"run": plan, "id": number, "lend": lend or {}, "seed": seed}


def entering(unit, number):
    return {"enter": unit, "id": number}


def outputs(values, number):
    return {"outputs": values, "id": number}


def failure(number, **error):
    return {"error": {key: str(error.get(key) or "")[:MAX_TEXT] for key in ERROR_FIELDS}, "id": number}


def hello(pid, sandbox=None, error=None):
    return {"hello": {"error": error} if error else {"pid": pid, "sandbox": sandbox}}


def read_reply(message, number):
    """("enter", unit), ("outputs", values) or ("error", {ERROR_FIELDS: str})
    from a worker's reply to request `number`; ProtocolError for anything else."""
    if not isinstance(message, dict) or message.get("id") != number:
        raise ProtocolError("a message that is not the answer to this case")
    if isinstance(message.get("enter"), str):
        return "enter", message["enter"][:MAX_TEXT]
    if isinstance(message.get("outputs"), dict):
        return "outputs", message["outputs"]
    if isinstance(message.get("error"), dict):
        return "error", {key: str(message["error"].get(key, ""))[:MAX_TEXT] for key in ERROR_FIELDS}
    raise ProtocolError("a message the grader does not know")


def read_hello(message):
    """(pid, sandbox mode) from a worker's hello; ProtocolError if it is none."""
    hello = message.get("hello") if isinstance(message, dict) else None
    if not isinstance(hello, dict):
        raise ProtocolError("the worker did not say hello")
    if "error" in hello:
        raise ProtocolError(str(hello["error"])[:MAX_TEXT])
    if not isinstance(hello.get("pid"), int) or isinstance(hello.get("pid"), bool):
        raise ProtocolError("the worker's hello has no process id")
    return hello["pid"], str(hello.get("sandbox", ""))[:MAX_TEXT]


def spawn_request(root, limits, avoid, sandbox, account=None):
    """`account`: None, or {"uid", "home", "cgroups"}: the user of its own a worker becomes (see `accounts`)."""
    return json.dumps({"root": root, "limits": limits, "avoid": sorted(avoid), "sandbox": bool(sandbox),
                       "account": account}).encode()


def read_spawn_request(data):
    request = json.loads(data)
    if not isinstance(request, dict) or set(request) != set(SPAWN_FIELDS):
        raise ProtocolError("a malformed request to the fork server")
    return request


def spawned(pid):
    return json.dumps({"pid": pid}).encode()


def read_spawned(data):
    if not data:
        raise EOFError("the grader's fork server has stopped")
    reply = json.loads(data)
    if not isinstance(reply, dict) or not isinstance(reply.get("pid"), int):
        raise ProtocolError("a malformed reply from the fork server")
    return reply["pid"]
