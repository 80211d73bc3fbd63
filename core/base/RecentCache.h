#pragma once
// A small, thread-safe cache of the last few values made from a key, for tables that cost far more to compute than
// to keep and are asked for again and again with the same few keys (a display stretch sampled on 65536 bins for
// every map rendered with it). Values are shared and immutable; the least recently used key is dropped past
// `capacity`. The value is made outside the lock, so two threads asking for the same new key at once may both
// make it (the same value: the maker must be a pure function of the key).

#include <cstddef>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace solarchip {

template <class Key, class Value>
class RecentCache {
public:
    explicit RecentCache(std::size_t capacity) : m_capacity(capacity ? capacity : 1) {}

    template <class Make>
    std::shared_ptr<const Value> get(const Key &key, Make &&make)
    {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            for (std::size_t i = 0; i < m_entries.size(); ++i)
                if (m_entries[i].first == key) {
                    auto entry = std::move(m_entries[i]);
                    m_entries.erase(m_entries.begin() + static_cast<std::ptrdiff_t>(i));
                    m_entries.push_back(std::move(entry));  // most recent last
                    return m_entries.back().second;
                }
        }
        auto value = std::make_shared<const Value>(make());
        std::lock_guard<std::mutex> lock(m_mutex);
        m_entries.emplace_back(key, value);
        if (m_entries.size() > m_capacity)
            m_entries.erase(m_entries.begin());
        return value;
    }

    std::size_t size() const
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        return m_entries.size();
    }

private:
    std::size_t m_capacity;
    mutable std::mutex m_mutex;
    std::vector<std::pair<Key, std::shared_ptr<const Value>>> m_entries;
};

}  // namespace solarchip
