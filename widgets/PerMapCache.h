#pragma once
// What a layer computed for the maps it was asked about lately (its labels, its markers), kept because paint() runs
// several times a step for each view's map and the views share the layer. An entry is found by the map's address,
// its time and its pixel grid: a freed map's address may come back for another one. The owner empties it when what
// the values are computed from changes.

#include "core/map/SdoMap.h"

#include <QVector>

namespace solarchip {

template <typename T>
class PerMapCache {
public:
    /// The value kept for `map`, or null.
    const T *find(const SdoMap &map) const
    {
        for (const Entry &e : m_entries)
            if (e.matches(map))
                return &e.value;
        return nullptr;
    }
    /// Keeps `value` for `map` (the oldest of kMaxEntries goes).
    const T &insert(const SdoMap &map, T value)
    {
        if (m_entries.size() >= kMaxEntries)
            m_entries.removeFirst();
        m_entries.push_back({&map, timeOf(map), map.image.width, map.meta.crpix1, map.meta.crpix2, map.meta.cdelt1,
                             map.meta.crota2, std::move(value)});
        return m_entries.back().value;
    }
    void clear() { m_entries.clear(); }

private:
    static constexpr int kMaxEntries = 32;
    static qint64 timeOf(const SdoMap &m) { return m.meta.tObs.isValid() ? m.meta.tObs.toMSecsSinceEpoch() : 0; }
    struct Entry {
        const SdoMap *map = nullptr;
        qint64 timeMs = 0;
        int width = 0;
        double crpix1 = 0, crpix2 = 0, cdelt1 = 0, crota2 = 0;
        T value;
        bool matches(const SdoMap &m) const
        {
            return map == &m && timeMs == timeOf(m) && width == m.image.width && crpix1 == m.meta.crpix1
                   && crpix2 == m.meta.crpix2 && cdelt1 == m.meta.cdelt1 && crota2 == m.meta.crota2;
        }
    };
    QVector<Entry> m_entries;  // most recent last
};

}  // namespace solarchip
