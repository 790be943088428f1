"""Context flags only this module's own code can raise.

The workflow and the computation write what nobody may write by hand (an appraisal's state, its
scores) under a context key. A caller over RPC chooses the context it sends, so a flag set to
``True`` could be forged; ``TRUSTED`` is a Python object that no JSON value equals, so only code
running in the server can set it.
"""


class _Trusted:
    __slots__ = ()

    def __repr__(self):
        return "<crm_performance: trusted>"


TRUSTED = _Trusted()


def trusted(env, key):
    """Whether ``key`` was raised in ``env``'s context by this module's own code."""
    return env.context.get(key) is TRUSTED
