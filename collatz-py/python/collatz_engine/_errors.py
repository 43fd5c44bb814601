"""The exceptions of collatz_engine: one base, ``CollatzError``, and one class per kind of
failure of collatz-core (its ``collatz_core::Error``). Each class also derives from the builtin
that Python code would expect, so ``except ValueError`` (or ``OverflowError``, ``MemoryError``,
``TypeError``) keeps working. The native extension raises these classes (it imports them once).

==========================  =====================================  ============================
class                       also a                                 raised for (core variant)
==========================  =====================================  ============================
``CollatzValueError``       ``ValueError``                         0, negative start values,
                                                                   invalid maps, bad arguments
                                                                   (``Zero``, ``Negative``,
                                                                   ``InvalidMap``,
                                                                   ``InvalidArgument``)
``ParseError``              ``CollatzValueError``, ``ValueError``  text that is not a number
                                                                   (``Parse``)
``CollatzTypeError``        ``TypeError``                          an argument of the wrong type
``LimitExceededError``      ``OverflowError``                      a caller-set limit reached
                                                                   (``LimitExceeded``)
``CollatzOverflowError``    ``OverflowError``                      a number past its type: a
                                                                   result past its output type
                                                                   (``Overflow``), a range
                                                                   bound of 2**64 or more
``CollatzMemoryError``      ``MemoryError``                        an allocation larger than
                                                                   the machine can give
                                                                   (``OutOfMemory``)
``CancelledError``          (``CollatzError`` only)                a call stopped through its
                                                                   ``CancelToken``
                                                                   (``Cancelled``)
``StoreError``              (``CollatzError`` only)                a result store that cannot be
                                                                   used: a foreign or corrupted
                                                                   file, left as it is
                                                                   (``Store``)
``StoreMismatchError``      ``StoreError``                         a store that holds a run of
                                                                   other arguments; nothing
                                                                   written (``StoreMismatch``)
==========================  =====================================  ============================

Ctrl-C (a signal handler that raises) still raises ``KeyboardInterrupt``.
"""

from __future__ import annotations

from typing import Optional

__all__ = [
    "CancelledError",
    "CollatzError",
    "CollatzMemoryError",
    "CollatzOverflowError",
    "CollatzTypeError",
    "CollatzValueError",
    "LimitExceededError",
    "ParseError",
    "StoreError",
    "StoreMismatchError",
]


class CollatzError(Exception):
    """The base of every exception collatz_engine raises (Ctrl-C aside: KeyboardInterrupt)."""

    __module__ = "collatz_engine"


class CollatzValueError(CollatzError, ValueError):
    """A value outside what the call accepts: 0 or a negative start value, an invalid map
    a*n + b, an empty or reversed range, an unknown field, threads or chunk_size below 1."""

    __module__ = "collatz_engine"


class ParseError(CollatzValueError):
    """Text that does not denote an integer in the syntax of ``parse`` ("2^100 - 1", "1e9")."""

    __module__ = "collatz_engine"


class CollatzTypeError(CollatzError, TypeError):
    """An argument of the wrong type (a float, bool, str or None where an int belongs)."""

    __module__ = "collatz_engine"


class LimitExceededError(CollatzError, OverflowError):
    """A caller-set limit was reached: raise it, or give a smaller input.

    Attributes: ``limit``, the limit's name ("step", "bit length", "level size" or
    "input size"); ``max``, the value it was set to; ``steps``, the steps taken when it was
    reached (0 for input sizes); ``bits``, the bit length of the value reached (of the input,
    for input sizes). The input size limit is ``max_input_bits()``
    (``set_max_input_bits(bits)`` raises it).
    """

    __module__ = "collatz_engine"

    def __init__(
        self,
        message: str,
        limit: Optional[str] = None,
        max: Optional[int] = None,
        steps: Optional[int] = None,
        bits: Optional[int] = None,
    ) -> None:
        super().__init__(message)
        self.limit = limit
        self.max = max
        self.steps = steps
        self.bits = bits


class CollatzOverflowError(CollatzError, OverflowError):
    """A number that does not fit its type: a result past its output type (a step count past a
    uint16 column, a maximum past 128 bits in a column), or a range bound of 2**64 or more.
    The per-number functions (``stats``, ``max_excursion``) are exact at any size."""

    __module__ = "collatz_engine"


class CollatzMemoryError(CollatzError, MemoryError):
    """An allocation larger than this machine can give (columns of a huge range): ask for
    less, or use ``chunks`` or ``summary``. Attributes: ``what`` (what the memory was for) and
    ``bytes`` (how many bytes were asked for)."""

    __module__ = "collatz_engine"

    def __init__(self, message: str, what: Optional[str] = None, bytes: Optional[int] = None) -> None:
        super().__init__(message)
        self.what = what
        self.bytes = bytes


class CancelledError(CollatzError):
    """A call stopped through the ``CancelToken`` passed as its ``cancel`` argument.
    (Ctrl-C raises KeyboardInterrupt instead.)"""

    __module__ = "collatz_engine"


class StoreError(CollatzError):
    """A result store that cannot be used: a file that is not a store of collatz (another
    program's database, or a corrupted one; it is left as it is), or a database error."""

    __module__ = "collatz_engine"


class StoreMismatchError(StoreError):
    """A result store that holds a run of other arguments (nothing was written): rerun with
    the stored arguments to resume that run, or use another file."""

    __module__ = "collatz_engine"
