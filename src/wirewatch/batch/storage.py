"""Where batch inputs and outputs live: local paths or object storage (``s3://``), one small API.

Everything about paths is settled **on the driver, before any task is made**:

* ``resolve_inputs`` turns every input into tasks ``(open_uri, shown)``: ``open_uri`` is absolute (an
  absolute local path, an ``s3://`` object, an http(s) URL) so that a worker whose working directory
  differs from the driver's opens the same file; ``shown`` is the input as the user gave it, so the
  records' ``source`` (and ``id``, a hash of source and content) are the ones ``wirewatch extract``
  gives.  An input the driver cannot see is a ``UsageError`` before the job starts.
* ``Location`` is an output (or ``load`` input) folder: a local absolute path, or an object-storage
  prefix reached through fsspec/s3fs (the ``s3`` extra).  Credentials, region and endpoint come from
  the standard AWS variables and files (``AWS_ACCESS_KEY_ID``, ``AWS_PROFILE``, ``AWS_ENDPOINT_URL``
  for S3-compatible stores...).

Objects are streamed: a WARC is read record by record from the open object, never downloaded whole.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import NOT_FOUND, UNSUPPORTED, UsageError, WirewatchError
from ..records import Document, Rejected

log = logging.getLogger(__name__)

REMOTE_SCHEMES = ("s3",)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+")
S3_HINT = "pip install 'wirewatch[s3]'"
Task = tuple[str, str]  # (what a worker opens, the source as the user gave it)


def scheme(uri: str) -> str:
    head, sep, _ = uri.partition("://")
    return head.lower() if sep and _SCHEME.fullmatch(head) else ""


def is_remote(uri: str) -> bool:
    return scheme(uri) in REMOTE_SCHEMES


def _endpoint() -> str | None:
    return os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL") or None


@functools.lru_cache(maxsize=4)
def _s3(endpoint: str | None):
    try:
        import s3fs
    except ImportError as exc:
        raise UsageError(f"s3:// inputs and outputs need the s3 extra, which is not installed: {S3_HINT}") from exc
    kwargs: dict[str, Any] = {"client_kwargs": {"endpoint_url": endpoint}} if endpoint else {}
    # no listing cache: a batch lists, writes, then lists again what it wrote
    return s3fs.S3FileSystem(use_listings_cache=False, **kwargs)


def remote_fs(uri: str):
    """The fsspec filesystem of a remote URI (one per worker process, built on first use)."""
    if scheme(uri) != "s3":
        raise UsageError(f"{uri}: unsupported storage scheme (local paths, s3:// and http(s):// URLs are read)")
    return _s3(_endpoint())


def describe(exc: BaseException, uri: str) -> str:
    """A one-line message for a storage failure (missing bucket, bad credentials, no endpoint...)."""
    name = type(exc).__name__
    text = " ".join(str(exc).split())
    lower = text.lower()
    bucket = uri.split("://", 1)[-1].split("/", 1)[0]
    if "nosuchbucket" in lower or "bucket does not exist" in lower:
        return f"{uri}: bucket {bucket!r} does not exist (or is not visible with these credentials)"
    if name in ("NoCredentialsError", "PartialCredentialsError") or "unable to locate credentials" in lower:
        return f"{uri}: no S3 credentials found (set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE)"
    if any(k in lower for k in ("invalidaccesskeyid", "signaturedoesnotmatch", "accessdenied", "forbidden",
                                "access denied")) or isinstance(exc, PermissionError):
        return (f"{uri}: access denied by the object store (check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY "
                f"or AWS_PROFILE, and the bucket's permissions): {text[:160]}")
    if "could not connect" in lower or "connect" in lower and "endpoint" in lower:
        return f"{uri}: cannot reach the object store at {_endpoint() or 'the default AWS endpoint'} ({text[:160]})"
    return f"{uri}: {text[:200] or name}"


@contextlib.contextmanager
def storage_errors(uri: str) -> Iterator[None]:
    """Storage failures on the driver as one-line ``UsageError``s (the CLI prints them without traceback)."""
    try:
        yield
    except WirewatchError:
        raise
    except Exception as exc:  # s3fs/botocore raise many types (ClientError, NoCredentialsError, OSError...)
        if isinstance(exc, FileNotFoundError) and "bucket" not in str(exc).lower():
            raise UsageError(f"{uri}: no such object or prefix") from exc
        raise UsageError(describe(exc, uri)) from exc


# -- inputs ----------------------------------------------------------------------------------------------

def resolve_inputs(inputs: list[str]) -> list[Task]:
    """Every input as tasks of one file each, with absolute URIs; inputs the driver cannot see are errors."""
    from ..sources.files import walk_files

    tasks: list[Task] = []
    for item in inputs:
        kind = scheme(item)
        if item == "-":
            raise UsageError("wirewatch batch cannot read standard input ('-'): give files, folders or URLs")
        if kind in ("http", "https"):
            tasks.append((item, item))
        elif kind in REMOTE_SCHEMES:
            tasks.extend((uri, uri) for uri in _list_remote(item))
        elif kind:
            raise UsageError(f"{item}: unsupported scheme {kind!r} (local paths, s3:// and http(s):// URLs)")
        else:
            path = Path(item)
            if path.is_dir():
                tasks.extend((os.path.abspath(shown), shown) for shown in walk_files(item))
            elif path.exists():
                tasks.append((os.path.abspath(item), item))
            else:
                raise UsageError(f"{item}: no such file or folder (relative paths are read from {os.getcwd()})")
    return tasks


def _list_remote(uri: str) -> list[str]:
    """Objects under an ``s3://`` URI, sorted, hidden names (``.x``, ``_x``) skipped, as a folder walk does."""
    fs = remote_fs(uri)
    with storage_errors(uri):
        path = fs._strip_protocol(uri)
        if fs.isfile(path):
            return [uri]
        found = [p for p in fs.find(path.rstrip("/") + "/") if not _hidden(p[len(path.rstrip("/")) + 1:])]
        if not found:
            if not fs.exists(path.split("/", 1)[0]):
                raise UsageError(describe(FileNotFoundError("NoSuchBucket"), uri))
            raise UsageError(f"{uri}: no such object or prefix (nothing stored under it)")
    return [f"s3://{p}" for p in sorted(found)]


def _hidden(rel: str) -> bool:
    return any(part.startswith((".", "_")) for part in rel.split("/") if part)


def task_of(item: str | Task) -> Task:
    return (item, item) if isinstance(item, str) else (item[0], item[1])


def open_documents(item: str | Task, *, allow_private: bool = False) -> Iterator[Document | Rejected]:
    """The documents of one task, labelled with the source as the user gave it."""
    from ..sources import iter_documents

    uri, shown = task_of(item)
    if is_remote(uri):
        yield from _remote_documents(uri, allow_private=allow_private)
        return
    for rec in iter_documents([uri], allow_private=allow_private):
        if uri != shown and rec.source.startswith(uri):
            rec.source = shown + rec.source[len(uri):]
        yield rec


def _remote_documents(uri: str, *, allow_private: bool) -> Iterator[Document | Rejected]:
    """An object read as a stream, with the readers a local file of the same name gets."""
    import gzip

    from ..sources.files import kind_from_name, read_stream
    from ..sources.options import Options as ReadOptions
    from ..sources.warc import iter_warc

    options = ReadOptions(allow_private=allow_private)
    name = uri.rstrip("/").rsplit("/", 1)[-1]
    kind, gzipped = kind_from_name(name)
    if kind == "unsupported":
        yield Rejected(uri, UNSUPPORTED, f"unsupported file type {os.path.splitext(name)[1] or name!r}")
        return
    try:
        fs = remote_fs(uri)
        with fs.open(fs._strip_protocol(uri), "rb", block_size=1 << 22, cache_type="readahead") as raw:
            if kind == "warc":
                yield from iter_warc(raw, source=uri, max_bytes=options.max_bytes)
                return
            stream = gzip.GzipFile(fileobj=raw) if gzipped else raw
            yield from read_stream(stream, source=uri, kind=kind, options=options)
    except UsageError as exc:
        yield Rejected(uri, UNSUPPORTED, str(exc))
    except Exception as exc:  # noqa: BLE001 - the object vanished, access denied, network: a reject, not a crash
        yield Rejected(uri, NOT_FOUND, f"object cannot be read ({describe(exc, uri)})")
    finally:
        options.close()


# -- output folders --------------------------------------------------------------------------------------

class Location:
    """A folder on the local disk or in object storage (a prefix), with what the engines need of it."""

    def __init__(self, uri: str | os.PathLike) -> None:
        uri = os.fspath(uri)
        self.remote = is_remote(uri)
        if self.remote:
            self.uri = uri.rstrip("/")
            self.fs = remote_fs(self.uri)
            self.path = self.fs._strip_protocol(self.uri).rstrip("/")
        elif scheme(uri):
            raise UsageError(f"{uri}: unsupported output scheme (use a local folder or s3://bucket/prefix)")
        else:
            self.uri = self.path = os.path.abspath(uri)
            self.fs = None

    def __reduce__(self):  # workers rebuild their own filesystem client
        return (Location, (self.uri,))

    def __str__(self) -> str:
        return self.uri

    def join(self, *parts: str) -> str:
        """A path inside this location, as the filesystem (``arrow_fs``) expects it."""
        return "/".join([self.path, *parts])

    def child(self, *parts: str) -> Location:
        return Location("/".join([self.uri, *parts]))

    @property
    def arrow_fs(self):
        """The filesystem to give pyarrow (None: the local disk)."""
        if not self.remote:
            return None
        from pyarrow.fs import FSSpecHandler, PyFileSystem

        return PyFileSystem(FSSpecHandler(self.fs))

    def isdir(self, *parts: str) -> bool:
        path = self.join(*parts)
        if not self.remote:
            return os.path.isdir(path)
        with storage_errors(self.uri):
            return bool(self.fs.isdir(path))

    def makedirs(self, *parts: str) -> None:
        if not self.remote:
            os.makedirs(self.join(*parts), exist_ok=True)  # object stores have no folders to make

    def rmtree(self, *parts: str) -> None:
        path = self.join(*parts)
        if not self.remote:
            shutil.rmtree(path, ignore_errors=True)
            return
        with contextlib.suppress(FileNotFoundError):
            if self.fs.exists(path):
                self.fs.rm(path, recursive=True)

    def move(self, src: tuple[str, ...], dst: tuple[str, ...]) -> None:
        a, b = self.join(*src), self.join(*dst)
        if not self.remote:
            os.rename(a, b)
        else:  # object stores have no rename: copy every object under the prefix, then delete the old ones
            files = self.fs.find(a)
            for f in files:
                self.fs.copy(f, b + f[len(a):])
            if files:
                self.fs.rm(files)

    def exists(self, *parts: str) -> bool:
        path = self.join(*parts)
        return os.path.exists(path) if not self.remote else bool(self.fs.exists(path))

    def check_writable(self) -> None:
        """Fail before the job starts when the output cannot be written (no bucket, bad credentials)."""
        if not self.remote:
            try:
                os.makedirs(self.path, exist_ok=True)
            except OSError as exc:
                raise UsageError(f"{self.uri}: cannot create the output folder ({exc.strerror or exc})") from exc
            return
        with storage_errors(self.uri):  # a real write: exists() hides "access denied" behind False
            probe = self.join(".staging", ".probe")
            self.fs.pipe_file(probe, b"")
            self.fs.rm_file(probe)


def staging(out: Location) -> Location:
    """A fresh folder beside the output, swapped in by ``publish`` when the run succeeds."""
    out.rmtree(".staging")
    out.makedirs(".staging")
    return out.child(".staging")


def publish(out: Location, tmp: Location) -> None:
    """Replace ``out/articles`` and ``out/rejects`` by the staged ones."""
    for name in ("articles", "rejects"):
        old = f".old-{name}"
        out.rmtree(old)
        if out.exists(name):
            out.move((name,), (old,))
        if out.exists(".staging", name):
            out.move((".staging", name), (name,))
        else:
            out.makedirs(name)
        out.rmtree(old)
    out.rmtree(".staging")
