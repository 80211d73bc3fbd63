#pragma once
// --model / --device handling shared by embed and eval-align: load a model file, or the shipped default model.

#include "models/networks/TrainedModel.h"

#include <QCommandLineParser>

namespace solarchip::cli {

/// Adds --model FILE and --device DEV.
void addModelOptions(QCommandLineParser &p);

/// Loads --model (or the shipped default when absent) and moves it to --device. Errors name the file.
Expected<TrainedModel> loadModelFromOptions(const QCommandLineParser &p);

}  // namespace solarchip::cli
