"""Arrays of an uncompressed .npz read in place (np.memmap), not copied: MNIST's 47 MB of training
images cost the grader and the sandbox nothing until a minibatch touches them. Shipped into the
sandbox beside worker.py."""

import io
import zipfile

import numpy as np

# bound at import: a notebook that replaces builtins.open cannot stop the training loop reading its data
_open, ZipFile, read_magic, memmap = io.open, zipfile.ZipFile, np.lib.format.read_magic, np.memmap


def member(path, key):
    """A read-only array of `key` in the .npz at path; read whole if the file is compressed."""
    with ZipFile(_open(path, "rb")) as zf:
        info = zf.getinfo(f"{key}.npy")
        if info.compress_type != zipfile.ZIP_STORED:
            with zf.open(info) as f:
                return np.lib.format.read_array(f)
    with _open(path, "rb") as f:
        f.seek(info.header_offset)
        local = f.read(30)  # the zip's local file header: the name and extra field follow it
        f.seek(
            info.header_offset + 30 + int.from_bytes(local[26:28], "little") + int.from_bytes(local[28:30], "little")
        )
        version = read_magic(f)
        shape, fortran, dtype = (
            np.lib.format.read_array_header_1_0(f) if version == (1, 0) else np.lib.format.read_array_header_2_0(f)
        )
        return memmap(f, dtype=dtype, mode="r", offset=f.tell(), shape=shape, order="F" if fortran else "C")
