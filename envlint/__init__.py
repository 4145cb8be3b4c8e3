"""envlint: static checks that a service's deploy files agree with what it needs."""

__version__ = "0.1.0"
