"""A PostgreSQL primary and its hot standby, each a cluster of its own in a temporary folder on
its own port: what ``test_replica.py`` checks Odoo's replica routing on, and what
``bench/bench_load.py --replica`` serves the load benchmark from. Not a test module."""

import contextlib
import getpass
import os
import shutil
import subprocess
import tempfile
from pathlib import Path


def as_postgres(*command):
    runner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else ["sudo", "-u", "postgres"]
    return subprocess.run([*runner, *command], check=True, capture_output=True, text=True)


def bindir():
    version = subprocess.run(
        ["pg_lsclusters", "-h"], check=True, capture_output=True, text=True
    ).stdout.split()[0]
    return Path(f"/usr/lib/postgresql/{version}/bin")


def start_cluster(data, socket_dir, port, log, **settings):
    lines = [f"port = {port}", "listen_addresses = ''", f"unix_socket_directories = '{socket_dir}'"]
    lines += [f"{name} = {value}" for name, value in settings.items()]
    conf = data / "postgresql.conf"
    conf.write_text("\n".join([conf.read_text(encoding="utf-8"), *lines, ""]), encoding="utf-8")
    as_postgres(str(bindir() / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "start")


def psql(server, db, query):
    command = ["psql", "-h", server["host"], "-p", str(server["port"]), "-d", db, "-tAc", query]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()


@contextlib.contextmanager
def primary_and_standby(source_db, db, ports, **standby_settings):
    """A primary on ``ports[0]`` holding ``db``, a copy of ``source_db`` (``pg_dump`` of the
    local server), and its streaming hot standby on ``ports[1]`` (``pg_basebackup``), started
    with ``standby_settings``; yields ``{"primary": ..., "standby": ..., "db": db}`` (each
    server: host = its socket folder, port, data folder, log). Both stopped and removed on exit."""
    root = Path(tempfile.mkdtemp(prefix="crmperf-replica-"))
    shutil.chown(root, "postgres", "postgres")
    primary = {"host": str(root), "port": ports[0], "data": root / "primary", "log": root / "primary.log"}
    standby = {"host": str(root), "port": ports[1], "data": root / "standby", "log": root / "standby.log"}
    try:
        as_postgres(str(bindir() / "initdb"), "-D", str(primary["data"]), "--auth=trust", "-U", "postgres")
        start_cluster(primary["data"], root, primary["port"], primary["log"])
        on_primary = ["-h", str(root), "-p", str(primary["port"])]
        role = f'CREATE ROLE "{getpass.getuser()}" SUPERUSER LOGIN'
        as_postgres("psql", *on_primary, "-d", "postgres", "-c", role)
        psql(primary, "postgres", f"CREATE DATABASE {db}")
        with subprocess.Popen(["pg_dump", "-d", source_db], stdout=subprocess.PIPE) as dump:
            subprocess.run(
                ["psql", "-q", *on_primary, "-d", db], stdin=dump.stdout, check=True, capture_output=True
            )
        if dump.returncode:
            raise subprocess.CalledProcessError(dump.returncode, dump.args)
        backup = ["-U", "postgres", "-D", str(standby["data"]), "-X", "stream", "-R", "--checkpoint=fast"]
        as_postgres(str(bindir() / "pg_basebackup"), *on_primary, *backup)
        start_cluster(standby["data"], root, standby["port"], standby["log"], **standby_settings)
        yield {"primary": primary, "standby": standby, "db": db}
    finally:
        for cluster in (standby, primary):
            with contextlib.suppress(subprocess.CalledProcessError):
                as_postgres(
                    str(bindir() / "pg_ctl"), "-D", str(cluster["data"]), "-m", "immediate", "-w", "stop"
                )
        shutil.rmtree(root, ignore_errors=True)
