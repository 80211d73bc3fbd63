#!/usr/bin/env python3
"""Independent reference for the evaluation suite's spaced-set rotation check: the Stonyhurst longitude (seen from
Earth) at time t[i+1] of a feature that sat at Stonyhurst longitude 0 and latitude LAT at t[i]: its Carrington
longitude from sunpy's L0 of the disk centre at t[i], moved by sunpy's Snodgrass differential rotation (diff_rot,
sidereal) less the Carrington frame's sidereal rate (14.1844 deg/day), seen from Earth through sunpy's L0 at t[i+1];
wrapped to [-180, 180). This is how the synthetic Sun places its regions (Carrington longitude + L0).
(sunpy's RotatedSunFrame gives shifts up to ~1 deg larger over 27 days; not used.)
Prints JSON {"shifts_deg": [...]} for consecutive times.
Usage: longitude_shift.py LAT ISO_TIME ISO_TIME [...]"""
import json
import sys
import warnings

import astropy.units as u
from astropy.time import Time
from sunpy.coordinates import sun
from sunpy.physics.differential_rotation import diff_rot

warnings.filterwarnings("ignore")
CARRINGTON_DEG_PER_DAY = 14.1844


def main():
    lat = float(sys.argv[1])
    times = [Time(t.rstrip("Z"), scale="utc") for t in sys.argv[2:]]
    shifts = []
    for t0, t1 in zip(times, times[1:]):
        days = (t1 - t0).to_value(u.day)
        turn = diff_rot(days * u.day, lat * u.deg, rot_type="snodgrass", frame_time="sidereal").to_value(u.deg)
        car = sun.L0(t0).to_value(u.deg) + turn - CARRINGTON_DEG_PER_DAY * days
        lon = car - sun.L0(t1).to_value(u.deg)
        shifts.append((lon + 180.0) % 360.0 - 180.0)
    print(json.dumps({"shifts_deg": shifts}))


if __name__ == "__main__":
    main()
