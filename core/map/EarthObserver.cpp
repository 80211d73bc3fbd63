#include "core/map/EarthObserver.h"

#include "core/map/SunEphemeris.h"

namespace solarchip {

Observer earthObserverAt(const QDateTime &utc, double rsunM)
{
    const SunEphemeris eph = SunEphemeris::at(utc);
    Observer earth;
    earth.hgln = 0;
    earth.hglt = eph.b0Deg;
    earth.dsun = eph.distanceM;
    earth.rsun = rsunM;
    earth.crln = eph.l0Deg;
    return earth;
}

}  // namespace solarchip
