#include "app/cli/TimeObserverOptions.h"

#include "app/cli/Command.h"
#include "app/cli/CommandLine.h"
#include "core/map/EarthObserver.h"
#include "core/map/MapFile.h"
#include "core/map/SdoTime.h"

namespace solarchip::cli {

std::variant<TimeAndObserver, int> readTimeAndObserver(const CommandLine &p, const QString &what)
{
    TimeAndObserver out;
    if (p.isSet(QStringLiteral("map"))) {
        const QString path = p.value(QStringLiteral("map"));
        auto m = MapFile::load(path);
        if (!m)
            return fail(p.command(), m.error());
        if (m->wcs.kind() != Wcs::Kind::Helioprojective || !m->meta.tObs.isValid())
            return fail(p.command(), Error{path, QStringLiteral("not a helioprojective map with a time: %1 cannot be placed on it").arg(what)});
        out.time = m->meta.tObs;
        out.observer = m->wcs.observer();
        out.map = std::move(*m);
        return out;
    }
    const auto t = SdoTime::parseUserTime(p.value(QStringLiteral("date")));
    if (!t)
        return p.usage(QStringLiteral("--date: '%1' is not a date/time (use ISO, e.g. 2011-06-07T06:41)").arg(p.value(QStringLiteral("date"))));
    out.time = *t;
    out.observer = earthObserverAt(out.time);
    return out;
}

}  // namespace solarchip::cli
