#pragma once
// Two numbers typed as one option value, "X,Y" (a helioprojective position, a box's width and height): what the
// `solarchip` subcommands and the studio's scripting options (--query-hpc, --query-box, --center, --size) read.

#include <QPointF>
#include <QString>

#include <optional>

namespace solarchip {

/// "X,Y" as two finite numbers (spaces around each allowed); with `oneForBoth`, a single number gives both
/// ("120" -> 120,120). nullopt for anything else.
std::optional<QPointF> parseNumberPair(const QString &text, bool oneForBoth = false);

}  // namespace solarchip
