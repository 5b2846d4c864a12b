"""``manage.py reconcile_workers``: one scaling round now, or with ``--dry-run`` the Jobs it would create.

The dry run needs no cluster: it prints as YAML on stdout, and nothing else,
the Jobs the ``kubernetes`` scaler would create with none running, each
sized by YTARCHIVE_K8S_RESOURCE_TIERS. Given ``--queue-length`` it needs no
Redis either and takes every queued video as startable; without it, it reads
the backlog from the database (queued videos per site; Redis holds only the
feeder's window) and explains on stderr which sites' videos count (an egress
identity unpaused with budget left, read from Redis) and which do not. Logs go to
stderr. Without ``--dry-run`` it reads the queue and reconciles the configured backend.
"""
from __future__ import annotations

import sys
from pathlib import Path

import yaml
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from archiver.kube import job_manifest, load_template
from archiver.scaling import desired_workers

DEFAULT_TEMPLATE = Path(__file__).resolve().parents[2] / "default_job.yaml"


def _non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise ValueError("must be 0 or more")
    return value


class Command(BaseCommand):
    help = "Reconcile download workers once; --dry-run prints the Jobs that would be created (YAML)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Print the Jobs instead of creating them.")
        parser.add_argument("--queue-length", type=_non_negative, help="Queued downloads (dry run).")
        parser.add_argument("--max-workers", type=_non_negative, help="Most workers (default: YTARCHIVE_MAX_WORKERS).")
        parser.add_argument("--template", help="The Job manifest (default: YTARCHIVE_K8S_JOB_TEMPLATE, "
                                               "or the built-in one when that file does not exist).")

    def handle(self, *args, **options):
        conf = settings.YTARCHIVE
        if not options["dry_run"]:
            if options["queue_length"] is not None:
                raise CommandError("--queue-length is for --dry-run; a real round reads the queue.")
            from downloads_app.scaling import reconcile

            running = reconcile()
            self.stderr.write(f"reconciled: {running} worker(s) wanted or running")
            return
        path = options["template"] or conf["K8S_JOB_TEMPLATE"]
        if not options["template"] and not Path(path).exists():
            path = str(DEFAULT_TEMPLATE)
        try:
            template = load_template(path)
        except (OSError, ValueError, yaml.YAMLError) as exc:
            raise CommandError(f"cannot read the Job template {path}: {exc}") from exc
        most = conf["MAX_WORKERS"] if options["max_workers"] is None else options["max_workers"]
        length = options["queue_length"]
        startable = length
        if length is None:
            startable, length = self._explain()
        count = desired_workers(startable, conf["WORKERS_PER_QUEUE"], most)
        jobs = [job_manifest(template, conf["K8S_NAMESPACE"], length, conf["K8S_RESOURCE_TIERS"])
                for _ in range(count)]
        self.stderr.write(f"dry run: a queue of {length} ({startable} can start) with none running wants "
                          f"{count} Job(s) (1 per {conf['WORKERS_PER_QUEUE']} queued, at most {most}); "
                          f"template {path}")
        yaml.safe_dump_all(jobs, sys.stdout, sort_keys=False)

    def _explain(self) -> tuple[int, int]:
        """The queue as it is now, with the reasons each site's videos count or not (stderr)."""
        from redis.exceptions import RedisError

        from downloads_app.scaling import plan

        try:
            found = plan()
        except RedisError as exc:
            raise CommandError(f"cannot read the queue from Redis ({exc}); give --queue-length N instead") from exc
        for line in found.lines():
            self.stderr.write(line)
        return found.startable, found.queue_length
