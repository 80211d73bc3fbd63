#pragma once
// Precompiled header for solarchip_models (picked up by models/CMakeLists.txt): <torch/torch.h> alone costs
// ~25 s and ~1 GB per translation unit here; precompiling it once cuts every torch TU roughly in half.
// QT_NO_KEYWORDS is defined on the target, so Qt's `slots` macro cannot clash with IValue::slots().
#include <torch/torch.h>

#include <QByteArray>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <map>
#include <memory>
#include <string>
#include <vector>
