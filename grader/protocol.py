"""The only language the trusted grader and a student worker share.

A message is a JSON-able structure whose leaves may be numpy arrays.  On the
wire it is a JSON head -- the skeleton of the message, with
``{"__array__": key}`` where an array was, and each array's dtype and shape --
followed by the arrays' raw bytes.  Only numeric and boolean dtypes are
accepted, so a message can carry data but never code (no pickle, no object
arrays), and reading it costs a JSON parse and a memory copy.  Frames are
length-prefixed.  The same array object used twice is sent once, and every
place that uses it gets a fresh copy on arrival.

This module is imported by the worker, so it must stay small and import
nothing from the rest of the grader.
"""
import json
import struct

import numpy as np

HEADER = struct.Struct(">Q")
HEAD = struct.Struct(">I")  # the length of a payload's JSON head
MAX_MESSAGE_BYTES = 256 * 2**20  # a result bigger than this is refused, not read


class ProtocolError(Exception):
    """A message that is malformed, too large, or holds a value we do not carry."""


def to_plain(value, arrays):
    """Return a JSON-able copy of `value`, moving numpy arrays into `arrays`.

    Only plain data passes: None, bool, int, float, str, lists/tuples, dicts
    and numeric/bool arrays.  Tuples and dicts with non-string keys are tagged
    so that `from_plain` gives back the same shape of value.
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
    raise ProtocolError(f"a value of type {type(value).__name__}")


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


def call_units(target, calls):
    """For each call of a case, the units a worker enters to make it: the
    import of a module or notebook not loaded yet, then the function itself
    ("Class.method", "function" or "Class" for a constructor).  The worker
    reports each before it starts, and the grader, which computes the same
    names, blames a hang or a crash on that unit and skips it afterwards."""
    imported, owners, last, plan = set(), {}, None, []
    for call in calls:
        location, name = (call.get("target") or target).split(":", 1)
        steps = []
        method = call.get("method")
        if method in (None, "__init__"):
            if location not in imported:
                imported.add(location)
                steps.append(f"import {location}")
            steps.append(name)
            if method == "__init__":
                last = name
            owner = name
        else:
            owner = owners.get(call.get("on"), last) if call.get("on") else last
            steps.append(f"{owner}.{method}")
        if call.get("keep"):
            owners[call["keep"]] = owner if method in (None, "__init__") else f"{owner}.{method}"
        plan.append(steps)
    return plan


def units(target, calls):
    """All the units of a case, in order (see `call_units`)."""
    return [unit for steps in call_units(target, calls) for unit in steps]


def send(sock, message):
    send_encoded(sock, encode(message))


def send_encoded(sock, payload):
    """Send a message already encoded (to send the same request to many workers)."""
    sock.sendall(HEADER.pack(len(payload)) + payload)


def recv(sock, limit=MAX_MESSAGE_BYTES):
    """Read one message; raise EOFError when the peer has gone away."""
    (size,) = HEADER.unpack(_read_exactly(sock, HEADER.size))
    if size > limit:
        raise ProtocolError(f"a message of {size:,} bytes (the limit is {limit:,})")
    return decode(_read_exactly(sock, size))


def _read_exactly(sock, size):
    chunks, remaining = [], size
    while remaining:
        chunk = sock.recv(min(remaining, 1 << 20))
        if not chunk:
            raise EOFError("the other side closed the connection")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)
