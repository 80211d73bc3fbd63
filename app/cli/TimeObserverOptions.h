#pragma once
// --date ISO or --map FILE: the time things are carried to and the observer that sees them (the Earth's for a date; a
// map's own time and observer, and the map for pixels), as `solarchip regions` and `solarchip flares` take them.

#include "core/map/SdoMap.h"
#include "core/map/Wcs.h"

#include <QDateTime>
#include <QString>

#include <optional>
#include <variant>

namespace solarchip::cli {

class CommandLine;

struct TimeAndObserver {
    QDateTime time;
    Observer observer;
    std::optional<SdoMap> map;  ///< with --map
};

/// Reads --map (loaded; refused when not helioprojective or without a time: nothing could be placed on it) or else
/// --date (the caller checked one of them is set). The exit code, after the message is printed, when they cannot be
/// used; `what` names what is placed ("regions", "flares").
std::variant<TimeAndObserver, int> readTimeAndObserver(const CommandLine &p, const QString &what);

}  // namespace solarchip::cli
