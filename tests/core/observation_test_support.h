#pragma once
// An Observation with only what the source tests look at (id, channel, time, a path named after the id), for
// tst_observationsource and tst_fileseries. Header-only.
#include "core/archive/ObservationSet.h"

#include <QString>

namespace solarchip::test {

inline Observation obs(qint64 id, const QString &channel, qint64 t)
{
    Observation o;
    o.id = id;
    o.channel = channel;
    o.timeMs = t;
    o.path = QStringLiteral("/data/%1.fits").arg(id);
    return o;
}

}  // namespace solarchip::test
