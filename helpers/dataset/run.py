"""Executors: run ``extract_file`` over many files with joblib (threads or processes) or Dask,
results in file order. Opening and closing (the pool, the generator, the progress bar) is
written once (``_results``, ``_collect``) for ``extract_files``, ``extract_files_dask`` and
``build_dataset``."""

from __future__ import annotations

import contextlib
import os
import threading

from .compute import _extract_or_error, extract_file
from .params import _params


def _iter_joblib(files, p, *, n_jobs, prefer, method, func):
    from joblib import Parallel, delayed, parallel_config

    if prefer not in ("threads", "processes"):
        raise ValueError(f"prefer must be 'threads' or 'processes', got {prefer!r}.")
    if n_jobs == 1:
        for f in files:
            yield func(f, p, method=method)
        return
    config = (parallel_config(backend="loky", inner_max_num_threads=1) if prefer == "processes"
              else parallel_config(backend="threading"))
    started = prefer == "processes" and not _loky_running()
    before = {t.ident for t in threading.enumerate()}
    try:
        with config:
            gen = Parallel(n_jobs=n_jobs, return_as="generator")(
                delayed(func)(f, p, method=method) for f in files)
            try:
                yield from gen
            finally:
                gen.close()  # an abandoned generator would keep its pool until collected
    finally:
        if started:  # joblib keeps loky's workers alive ~300 s for reuse: not after a build
            _shutdown_loky()
            for t in threading.enumerate():  # the pool's queue feeder / manager threads end
                if t.ident not in before and ("QueueFeeder" in t.name  # just after: wait
                                              or "ExecutorManager" in t.name):
                    t.join(timeout=10)


def _loky_running() -> bool:
    """Whether joblib's reusable loky executor (its process pool) exists and is usable now."""
    from joblib.externals.loky import reusable_executor

    ex = getattr(reusable_executor, "_executor", None)
    flags = getattr(ex, "_flags", None)
    return ex is not None and not (flags is not None and (flags.shutdown or flags.broken))


def _shutdown_loky() -> None:
    """Stop joblib's reusable loky executor and wait until its worker processes have exited.

    (The small resource-tracker process Python's multiprocessing and loky start once per
    session, which cleans up shared memory if the session crashes, is left running: it is not
    a worker, holds no audio, and stopping it would break the next pool's clean-up.)"""
    from joblib.externals.loky import reusable_executor

    ex = getattr(reusable_executor, "_executor", None)
    if ex is None:
        return
    if hasattr(ex, "terminate"):  # joblib's MemmappingExecutor: also removes its temp folder
        ex.terminate(kill_workers=True)
    else:
        ex.shutdown(wait=True, kill_workers=True)


def extract_files(files, params=None, *, n_jobs: int = -1, prefer: str = "threads",
                  progress: bool = True, method: str = "whole") -> list[dict]:
    """``extract_file`` on every file, in parallel on all cores (joblib), in file order.

    ``n_jobs=-1`` uses every core, ``1`` runs serially. ``prefer="threads"`` (default) starts
    instantly and scales because decoding, FFT and matrix products release the GIL;
    ``"processes"`` (joblib's loky) also parallelises the Python parts but first spends a few
    seconds starting workers that import librosa: worth it for thousands of files. No BLAS
    call is involved (see ``_mel_basis``), so the bytes do not depend on ``n_jobs``, ``prefer``
    or the machine's thread settings. A tqdm bar counts finished files. The first file
    that cannot be read raises ValueError naming its full path (``build_dataset`` instead
    reports every such file).
    """
    return _collect(files, params, progress=progress, backend="joblib", n_jobs=n_jobs,
                    prefer=prefer, method=method)


def _results(paths: list[str], p, *, backend: str = "joblib", n_jobs: int = -1,
             prefer: str = "threads", scheduler=None, method: str = "whole",
             func=_extract_or_error, files_per_task=None):
    """Results of ``func`` on every path, in file order, from the chosen executor: a generator
    to close (``contextlib.closing``) so that an abandoned run frees its pool at once."""
    if backend == "dask":
        return _iter_dask(paths, p, scheduler=scheduler, method=method, func=func,
                          files_per_task=files_per_task)
    return _iter_joblib(paths, p, n_jobs=1 if backend == "serial" else n_jobs, prefer=prefer,
                        method=method, func=func)


def _collect(files, params, *, progress: bool = False, **how) -> list[dict]:
    """What ``extract_files`` and ``extract_files_dask`` share: check the input, run
    ``_results`` (``how``: backend and its settings), count finished files, close the
    executor, and stop at the first file that could not be used."""
    p = _params(params)
    files = [str(f) for f in files]
    if not files:
        raise ValueError("no files to extract: the list is empty.")
    out = []
    results = _results(files, p, **how)
    with contextlib.closing(results), _progress(len(files), progress) as bar:
        for r in results:
            if "error" in r:  # name the file by its full path: base names repeat across labels
                raise ValueError(f"{r['path']}: {r['error']}")
            out.append(r)
            bar.update()
    return out


DASK_INSTALL = 'pip install "audio-dl-course[dask]"'


def _import_dask_bag():
    try:
        import dask
        import dask.bag as db
    except ImportError as exc:
        raise ModuleNotFoundError(
            f"backend='dask' needs Dask, which is an optional extra of this course: "
            f"{DASK_INSTALL} (or pip install \"dask[bag,distributed]\"), then restart the "
            "kernel. Without it use backend='joblib' (all cores of this machine), the default."
        ) from exc
    return dask, db


def _dask_scheduler(scheduler):
    """``scheduler``: None (Dask's current default: the active ``Client`` if any), a
    ``distributed.Client``, or a scheduler address such as the one ``dask scheduler`` prints.
    Returns ``(value for dask.compute, client to close or None)``."""
    if scheduler is None or not isinstance(scheduler, str):
        return scheduler, None
    if scheduler in ("threads", "threading", "processes", "multiprocessing", "sync",
                     "synchronous", "single-threaded"):
        return scheduler, None
    try:
        from distributed import Client
    except ImportError as exc:
        raise ModuleNotFoundError(
            f"a scheduler address needs dask.distributed: {DASK_INSTALL}."
        ) from exc
    client = Client(scheduler, set_as_default=False)
    return client, client


def dask_worker_config() -> dict:
    """Dask configuration under which worker processes run this pipeline at full speed: use it
    around the start of a ``LocalCluster`` (``with dask.config.set(dask_worker_config()):``),
    or put the same keys in the YAML configuration of the machines that run ``dask worker``.

    It removes ``MALLOC_TRIM_THRESHOLD_`` from ``distributed.nanny.pre-spawn-environ``, the
    environment Dask's nanny gives each worker process before starting it (default 65536;
    https://distributed.dask.org/en/stable/worker-memory.html#automatically-trim-memory ,
    https://distributed.dask.org/en/stable/worker.html#nanny). Setting that glibc variable, to
    any value, also fixes glibc's mmap threshold at 128 KiB (it no longer adapts: see
    https://www.gnu.org/software/libc/manual/html_node/Malloc-Tunable-Parameters.html), so every
    NumPy array above 128 KiB is a fresh ``mmap`` whose pages fault in one by one, and goes back
    to the system when freed. Feature extraction allocates such arrays for every file (the
    FFT's output, the decoded audio): measured 3x slower per file in a worker. Without it the
    workers allocate like any Python process (and like the threads of ``backend="joblib"``);
    the trade-off Dask's page describes is that a worker's resident memory may stay at its
    peak instead of shrinking after a large task, a few MB per worker thread here.
    A value of None removes a variable (``distributed.nanny._get_env_variables``); an
    environment variable ``MALLOC_TRIM_THRESHOLD_`` set where the nanny runs still wins, and
    a nanny writes the variables it sets into its own process's environment (Dask's caveat):
    start this cluster from a fresh process, or ``os.environ.pop("MALLOC_TRIM_THRESHOLD_")``
    when a cluster with Dask's defaults ran in it before. ``OMP_NUM_THREADS`` etc. stay at 1,
    as Dask sets them.

    It also turns off the workers' statistical profiler, which every 10 ms takes the GIL to
    sample what each worker thread runs
    (https://distributed.dask.org/en/stable/diagnosing-performance.html#statistical-profiling):
    measured 6 % of the workers' CPU time here; the dashboard's profile page stays empty.
    """
    return {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
            "distributed.worker.profile.enabled": False}


def _extract_batch(paths, params, method="whole", func=None) -> list[dict]:
    """One Dask task: several files in a row (a task per file would cost the scheduler a few
    hundred microseconds each, see https://distributed.dask.org/en/stable/limitations.html)."""
    func = func or _extract_or_error
    return [func(f, params, method=method) for f in paths]


def _batches(files, threads: int, files_per_task=None, largest: int = 16, smallest: int = 4):
    """Consecutive batches of ``files``: ``files_per_task`` each, or shrinking ones (guided
    self-scheduling): the remaining files over twice the worker threads, ``smallest`` to
    ``largest`` files. Big tasks first keep the per-task cost low; small ones at the end keep
    every worker busy until the last file (a 16-file task is ~0.2 s of work at GTZAN
    settings, a 4-file one ~50 ms: still well above the scheduler's cost per task)."""
    i = 0
    while i < len(files):
        k = files_per_task or max(smallest, min(largest, (len(files) - i) // (2 * threads)))
        yield files[i: i + k]
        i += k


def _distributed_client(sched):
    """The ``distributed.Client`` that ``sched`` (a value for ``dask.compute``) stands for, or
    None (a local scheduler: threads, processes, synchronous)."""
    try:
        from distributed import Client
    except ImportError:
        return None
    if isinstance(sched, Client):
        return sched
    if sched is None:  # Dask's default: the active client, when there is one
        import dask.base

        owner = getattr(dask.base.get_scheduler(), "__self__", None)
        if isinstance(owner, Client):
            return owner
    return None


def _iter_dask(files, p, *, scheduler=None, method="whole", func=None, files_per_task=None,
               window=None):
    """Results in file order. On a ``distributed`` cluster: tasks of ``files_per_task`` files
    (default: shrinking batches of 16 files down to 1, see ``_batches``) submitted as futures,
    at most ``window`` tasks in flight (default: two per worker thread, plus two), a new one
    submitted as each finishes, so every worker stays busy and only a bounded number of files'
    features is ever held here (https://docs.dask.org/en/stable/futures.html). Each task
    receives paths and the small ``FeatureParams``; the audio is read on the worker. With a
    local Dask scheduler: ``dask.bag`` partitions, ``window`` of them computed at a time."""
    import collections
    import math

    dask, db = _import_dask_bag()
    func = func or _extract_or_error
    with _logging_restored(), contextlib.ExitStack() as stack:
        sched, own = _dask_scheduler(scheduler)
        if own is not None:
            stack.callback(own.close)
        client = _distributed_client(sched)
        threads = max(1, sum(client.nthreads().values())) if client is not None else \
            (os.cpu_count() or 1)
        window = window or 2 * threads + 2
        if client is None:
            k = files_per_task or max(1, min(16, math.ceil(len(files) / (4 * threads))))
            bag = db.from_sequence(files, partition_size=k)
            parts = bag.map(func, params=p, method=method).to_delayed()
            kw = _own_dask_pool(dask, sched, parts, stack)
            for i in range(0, len(parts), window):
                for chunk in dask.compute(*parts[i: i + window], **{"scheduler": sched, **kw}):
                    yield from chunk
            return
        todo = _batches(files, threads, files_per_task)
        pending = collections.deque()

        def submit(batch):
            pending.append(client.submit(_extract_batch, batch, p, method, func, pure=False))

        try:
            for batch in todo:
                submit(batch)
                if len(pending) >= window:
                    break
            while pending:
                results = pending.popleft().result()
                batch = next(todo, None)
                if batch is not None:
                    submit(batch)  # before handing results on: the workers never wait for us
                yield from results
        finally:
            if pending:
                client.cancel(list(pending))


def _own_dask_pool(dask, sched, parts, stack) -> dict:
    """When Dask would run on its threaded scheduler, give it a thread pool of our own, shut
    down after the build (Dask's default pool is global and outlives the call). A client or
    scheduler the caller chose is used as it is."""
    import concurrent.futures

    import dask.threaded
    from dask.base import get_scheduler

    if get_scheduler(scheduler=sched, collections=parts[:1]) is not dask.threaded.get:
        return {}
    pool = concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 1)
    stack.callback(pool.shutdown, wait=True)
    return dict(scheduler="threads", pool=pool)


@contextlib.contextmanager
def _logging_restored(prefixes=("distributed", "tornado", "bokeh")):
    """Undo what importing ``distributed`` does to logging (its config sets the
    ``distributed`` logger to INFO with a stderr handler): levels, handlers and ``propagate``
    of those loggers are put back as they were before the build."""
    import logging

    def family():
        names = [n for n in list(logging.Logger.manager.loggerDict)
                 if n.split(".")[0] in prefixes]
        return {n: logging.getLogger(n) for n in names}

    before = {n: (lg.level, list(lg.handlers), lg.propagate, lg.disabled)
              for n, lg in family().items()}
    try:
        yield
    finally:
        for n, lg in family().items():
            level, handlers, propagate, disabled = before.get(n, (logging.NOTSET, [], True,
                                                                  False))
            lg.setLevel(level)
            lg.handlers[:] = handlers
            lg.propagate, lg.disabled = propagate, disabled


def extract_files_dask(files, params=None, *, scheduler=None, npartitions: int | None = None,
                       method: str = "whole") -> list[dict]:
    """``extract_file`` on every file with Dask: unchanged code, any Dask scheduler.

    ``scheduler`` says where it runs: ``None`` uses Dask's default (the active
    ``distributed.Client`` when there is one, e.g. ``Client(LocalCluster())``); or pass a
    ``Client`` you made for an existing cluster (dask-jobqueue's ``SLURMCluster``/``PBSCluster``,
    dask-kubernetes ...), or its scheduler address as a string (what ``dask scheduler`` prints;
    a client is opened for this call and closed after). The files must be readable from the
    workers (shared or object storage). Results come back in file order, bytes identical to
    ``extract_files`` (whatever the workers' thread settings). Files go in batches
    (``npartitions`` of them, or as ``build_dataset`` batches them: see ``_iter_dask``), as
    futures on a ``distributed`` cluster, as ``dask.bag`` partitions on a local scheduler.
    Needs the optional extra: ``pip install "audio-dl-course[dask]"``.
    """
    import math

    _import_dask_bag()
    files = list(files)
    k = math.ceil(len(files) / npartitions) if npartitions else None
    return _collect(files, params, backend="dask", scheduler=scheduler, method=method,
                    func=extract_file, files_per_task=k)


class _NoBar:
    def update(self, n=1):
        pass


@contextlib.contextmanager
def _progress(total: int, show: bool):
    """A tqdm bar, or nothing at all (even a disabled tqdm bar starts tqdm's monitor thread,
    which would outlive the build)."""
    if not show:
        yield _NoBar()
        return
    from tqdm.auto import tqdm

    with tqdm(total=total, unit="file", desc="features") as bar:
        yield bar
