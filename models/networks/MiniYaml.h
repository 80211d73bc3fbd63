#pragma once
// A small YAML reader for the subset the research code's configuration files use (configs/solarchip/**.yaml):
// block mappings and sequences by indentation ("key: value", "key:" + an indented block, "- item", "- key: v"
// starting a mapping item), flow sequences and mappings on one line ([a, b], {k: v}), plain, single- and
// double-quoted scalars, '#' comments and a leading '---'. Scalars become JSON numbers, booleans
// (true/false/True/False), null (null, ~, empty) or strings. Anchors, tags, multi-line scalars and flow
// collections spanning lines are refused with the line number. No external YAML library: this is all
// `import-checkpoint --config` needs.

#include "core/base/Expected.h"

#include <QByteArray>
#include <QJsonValue>
#include <QString>

namespace solarchip {

class MiniYaml {
public:
    /// Parses `text`; errors name `file` and the 1-based line.
    static Expected<QJsonValue> parse(const QByteArray &text, const QString &file = {});
};

}  // namespace solarchip
