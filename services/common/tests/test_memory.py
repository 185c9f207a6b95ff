import gc

from services.common.memory import collector_paused, freeze_what_is_loaded


def test_the_collector_is_paused_only_within_and_left_as_it_was():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_what_is_loaded_leaves_the_collectors_sight():
    try:
        freeze_what_is_loaded()
        assert gc.get_freeze_count() > 1000
    finally:
        gc.unfreeze()
