#pragma once
// --model / --device handling shared by embed and eval-align: load a model file, or the shipped default model.

#include "models/networks/Device.h"
#include "models/networks/TrainedModel.h"

#include <QCommandLineParser>

namespace solarchip::cli {

/// Adds --model FILE, --device DEV and --threads N.
void addModelOptions(QCommandLineParser &p);

/// Adds --device DEV alone (auto, cpu, cuda or cuda:N; default auto), for commands whose --model means something else.
void addDeviceOption(QCommandLineParser &p);

/// The --device given (auto: CUDA when this LibTorch has it and a GPU is visible); CUDA on a build or machine
/// without it is an error saying so.
Expected<DeviceChoice> deviceFromOptions(const QCommandLineParser &p);

/// Loads --model (or the shipped default when absent) and moves it to --device. Errors name the file.
Expected<TrainedModel> loadModelFromOptions(const QCommandLineParser &p);

}  // namespace solarchip::cli
