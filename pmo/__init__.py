"""Pilotage: the project package and the shared base of every app."""

from pmo.celery import app as celery_app

__all__ = ["celery_app"]
