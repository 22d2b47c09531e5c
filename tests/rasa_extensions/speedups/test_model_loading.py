"""The package swaps Rasa's model loading for ours; the end-to-end suite compares the two on the trained model."""

from rasa.utils.tensorflow.models import RasaModel

from rasa_extensions.speedups import model_loading


def test_installed_it_loads_models_without_a_training_step():
    assert RasaModel.load.__func__ is model_loading.load_for_prediction


def test_rasa_own_loading_is_kept_for_fine_tuning():
    assert model_loading.rasa_own_load is not model_loading.load_for_prediction
    assert model_loading.rasa_own_load.__qualname__ == "RasaModel.load"
