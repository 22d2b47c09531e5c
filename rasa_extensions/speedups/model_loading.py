"""Load trained TensorFlow models (DIET) without running a training step first.

Rasa 3.6 builds a model's weights before restoring them by fitting it on one
example. That traces the whole training graph, gradients of the entity CRF
included, and keeps it and the optimizer's state in memory for the life of the
server: measured here, most of the model's 40-second load and several hundred MiB
of resident memory, none of it used to answer a client. One forward pass creates
the same weights; the trained values are then restored into them (the
optimizer's saved state is left unread) and a first prediction traces the graph
used in production, as Rasa does.

Fine-tuning (``rasa train --finetune``) needs the optimizer's state, so it keeps
Rasa's own loading.
"""

from __future__ import annotations

from typing import Any

from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator
from rasa.utils.tensorflow.model_data import RasaModelData
from rasa.utils.tensorflow.models import RasaModel

from rasa_extensions.speedups.patch import Patch

rasa_own_load = RasaModel.load.__func__


def load_for_prediction(cls: type[RasaModel], model_file_name: str, model_data_example: RasaModelData,
                        predict_data_example: RasaModelData | None = None, finetune_mode: bool = False,
                        *args: Any, **kwargs: Any) -> RasaModel:
    """``RasaModel.load`` with the training step replaced by one forward pass."""
    if finetune_mode:
        return rasa_own_load(cls, model_file_name, model_data_example, predict_data_example, finetune_mode,
                          *args, **kwargs)
    model = cls(*args, **kwargs)
    batch_in, _ = RasaBatchDataGenerator(model_data_example, batch_size=1)[0]
    # The loss touches every layer the training did (labels, entities), so every
    # weight exists before the restore; nothing is traced or differentiated.
    model._training = True
    model.batch_loss(batch_in)
    model._training = None
    model.load_weights(model_file_name).assert_existing_objects_matched().expect_partial()
    if predict_data_example:
        model.run_inference(predict_data_example)
    return model


def patch() -> Patch:
    return Patch("model_loading", RasaModel, "load", classmethod(load_for_prediction),
                 "trained models load without a training step")
