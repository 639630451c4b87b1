"""The room: one facilitator and a class of students sharing exercises from one laptop.

The room's state lives in an SQLite database (:mod:`classroom.room.store`); ``python -m
classroom room ...`` (:mod:`classroom.room.cli`) lists, creates, opens and exports rooms.
"""

from .store import (
    MAX_NAME,
    MAX_REASON,
    PHASES,
    Prediction,
    RateLimited,
    Result,
    RoomError,
    RoomInfo,
    RoomStore,
    Student,
    clean_name,
    default_data_dir,
    open_store,
)

__all__ = [
    "MAX_NAME",
    "MAX_REASON",
    "PHASES",
    "Prediction",
    "RateLimited",
    "Result",
    "RoomError",
    "RoomInfo",
    "RoomStore",
    "Student",
    "clean_name",
    "default_data_dir",
    "open_store",
]
