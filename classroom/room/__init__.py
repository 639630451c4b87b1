"""The room: one facilitator and a class of students sharing exercises from one laptop.

- :mod:`classroom.room.store`: the room's state, in an SQLite database (the one place it
  is kept);
- :mod:`classroom.room.service`: the server's pages write through it and are woken when
  their room changes;
- :mod:`classroom.room.student` and :mod:`classroom.room.facilitator`: the two sides' pages;
- :mod:`classroom.room.join`: the addresses students can open, and QR codes;
- :mod:`classroom.room.pooled`: the tally and the class's runs as SVG charts;
- :mod:`classroom.room.cli`: ``python -m classroom room list|new|open|export``.
"""
