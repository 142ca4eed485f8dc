"""The Jupyter kernel report notebooks run in: ``python3`` when it runs this interpreter, else a
kernelspec made for it in a private folder; kernels talk over IPC sockets in a private folder."""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from ...errors import ReportError

_OWN_KERNEL = "reportkit-python"


def _spec_runs_this_python(argv: list[str]) -> bool:
    if not argv:
        return False
    exe = argv[0]
    # jupyter_client replaces a bare "python"/"python3"/"python3.X" by the launching interpreter
    bare = {
        "python",
        f"python{sys.version_info[0]}",
        f"python{sys.version_info[0]}.{sys.version_info[1]}",
    }
    if exe in bare:
        return True
    try:
        return Path(exe).resolve() == Path(sys.executable).resolve()
    except OSError:  # pragma: no cover - unreadable path
        return False


def _own_kernel_prefix() -> Path:
    tag = hashlib.sha256(sys.executable.encode()).hexdigest()[:10]
    user = getattr(os, "getuid", lambda: "user")()
    return Path(tempfile.gettempdir()) / f"reportkit-kernel-{user}-{tag}"


def _install_own_kernel() -> str:
    """Write a kernelspec for this interpreter into a private prefix and put it on JUPYTER_PATH."""
    try:
        from ipykernel.kernelspec import install
    except ImportError:
        raise ReportError(
            "no Jupyter kernel for this Python: ipykernel is not installed. "
            "Install it with `pip install ipykernel`."
        ) from None
    prefix = _own_kernel_prefix()
    share = prefix / "share" / "jupyter"
    spec_file = share / "kernels" / _OWN_KERNEL / "kernel.json"
    try:
        if not spec_file.is_file():
            install(kernel_name=_OWN_KERNEL, display_name="Python (reportkit)", prefix=str(prefix))
    except Exception as exc:  # noqa: BLE001 - any failure becomes one clear error
        raise ReportError(
            f"could not create a Jupyter kernel for {sys.executable} in {prefix} "
            f"({exc}); run `python -m ipykernel install --user` once, or pass "
            "kernel_name="
        ) from None
    paths = os.environ.get("JUPYTER_PATH", "")
    if str(share) not in paths.split(os.pathsep):
        os.environ["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(share), paths) if p)
    return _OWN_KERNEL


def find_kernel(kernel_name: str | None = None) -> str:
    """The name of the Jupyter kernel to run report notebooks with.

    With ``kernel_name`` given, checks that it exists. Otherwise uses ``python3`` when that
    kernel runs this interpreter, and else creates a kernelspec for this interpreter
    (``reportkit-python``) in a private folder put on ``JUPYTER_PATH``: no prior
    ``ipykernel install`` is needed.
    """
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    ksm = KernelSpecManager()
    if kernel_name is not None:
        try:
            ksm.get_kernel_spec(kernel_name)
        except NoSuchKernel:
            known = sorted(ksm.find_kernel_specs())
            raise ReportError(
                f"Jupyter kernel {kernel_name!r} not found; known kernels: "
                f"{', '.join(known) or 'none'}. Pass kernel_name=None to use "
                "this Python."
            ) from None
        return kernel_name
    try:
        spec = ksm.get_kernel_spec("python3")
        if _spec_runs_this_python(list(spec.argv)):
            return "python3"
    except NoSuchKernel:
        pass
    return _install_own_kernel()


def _kernel_manager_class(ipc_dir: str | None = None) -> Any:
    """Kernel manager talking to the kernel over local IPC sockets on POSIX (no TCP port open,
    no "running over TCP without encryption" warning); the default manager elsewhere. The
    sockets live in ``ipc_dir`` (a private temporary folder of the run), never in the notebook's
    working folder, so two runs into one output folder cannot reach each other's kernel."""
    from jupyter_client import AsyncKernelManager

    if os.name != "posix":  # pragma: no cover - Windows has no IPC transport
        return AsyncKernelManager
    from traitlets import default

    class IpcKernelManager(AsyncKernelManager):
        @default("transport")
        def _transport_default(self) -> str:
            return "ipc"

        @default("ip")
        def _ip_default(self) -> str:
            return os.path.join(ipc_dir, "kernel-ipc") if ipc_dir else "kernel-ipc"

    return IpcKernelManager
