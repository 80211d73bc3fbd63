#include "models/data/DatasetLoader.h"

#include "models/data/DatasetAugment.h"

#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

namespace solarchip {

struct SampleLoader::State {
    const Dataset *dataset = nullptr;
    Split split = Split::Train;
    std::vector<SampleRequest> requests;
    AugmentSpec augment;
    int prefetch = 8;

    std::mutex mutex;
    std::condition_variable produced;  // a result arrived
    std::condition_variable consumed;  // the consumer moved on (room in the window) or stop
    int nextToClaim = 0;               // next request position a worker takes
    int nextToHand = 0;                // next position the consumer takes
    std::map<int, LoadedSample> ready;
    bool stop = false;
    std::vector<std::thread> threads;

    LoadedSample load(int position) const
    {
        const SampleRequest &r = requests[position];
        LoadedSample out;
        out.position = position;
        out.request = r;
        out.sample = dataset->sample(split, r.index, r.augment ? &augment : nullptr, r.augmentSeed);
        return out;
    }

    void work()
    {
        for (;;) {
            int position = 0;
            {
                std::unique_lock lock(mutex);
                // Stay within the window ahead of the consumer so memory stays bounded.
                consumed.wait(lock, [&] {
                    return stop || nextToClaim >= static_cast<int>(requests.size())
                           || nextToClaim < nextToHand + prefetch;
                });
                if (stop || nextToClaim >= static_cast<int>(requests.size()))
                    return;
                position = nextToClaim++;
            }
            LoadedSample s = load(position);
            {
                std::lock_guard lock(mutex);
                ready.emplace(position, std::move(s));
            }
            produced.notify_all();
        }
    }
};

SampleLoader::SampleLoader(const Dataset &dataset, Split split, std::vector<SampleRequest> requests,
                           const AugmentSpec &augment, int workers, int prefetch)
    : d(std::make_unique<State>())
{
    d->dataset = &dataset;
    d->split = split;
    d->requests = std::move(requests);
    d->augment = augment;
    d->prefetch = std::max(1, prefetch);
    for (int i = 0; i < workers; ++i)
        d->threads.emplace_back([this] { d->work(); });
}

SampleLoader::~SampleLoader()
{
    {
        std::lock_guard lock(d->mutex);
        d->stop = true;
    }
    d->consumed.notify_all();
    for (std::thread &t : d->threads)
        t.join();
}

int SampleLoader::total() const { return static_cast<int>(d->requests.size()); }

std::optional<LoadedSample> SampleLoader::next()
{
    const int n = static_cast<int>(d->requests.size());
    if (d->threads.empty()) {
        if (d->nextToHand >= n)
            return std::nullopt;
        return d->load(d->nextToHand++);
    }
    std::unique_lock lock(d->mutex);
    if (d->nextToHand >= n)
        return std::nullopt;
    const int want = d->nextToHand;
    d->produced.wait(lock, [&] { return d->ready.count(want) > 0; });
    auto it = d->ready.find(want);
    LoadedSample s = std::move(it->second);
    d->ready.erase(it);
    ++d->nextToHand;
    lock.unlock();
    d->consumed.notify_all();
    return s;
}

std::vector<int> epochPermutation(int n, quint64 seed, int epoch)
{
    std::vector<int> p(static_cast<std::size_t>(std::max(0, n)));
    for (int i = 0; i < n; ++i)
        p[i] = i;
    // Fisher-Yates with an explicit counter-based draw (std::shuffle's distribution is library-specific).
    for (int i = n - 1; i > 0; --i) {
        const quint64 r = mixSeed(seed, static_cast<quint64>(epoch) + 0x5EED, static_cast<quint64>(i));
        const int j = static_cast<int>(unitInterval(r) * (i + 1));
        std::swap(p[i], p[std::min(j, i)]);
    }
    return p;
}

std::vector<int> epochOrderTimeLocal(int n, int batch, int window, quint64 seed, int epoch)
{
    if (batch < 1 || window <= batch || n <= 0)
        return epochPermutation(n, seed, epoch);
    const int w = (window + batch - 1) / batch * batch;
    const int nFull = n / w;
    // Full windows in a shuffled order, the short remainder (if any) last: every group of `batch` before it lies
    // inside one window.
    std::vector<int> windowOrder = epochPermutation(nFull, seed ^ 0x57A11D0EULL, epoch);
    if (n % w != 0)
        windowOrder.push_back(nFull);
    std::vector<int> order;
    order.reserve(static_cast<std::size_t>(n));
    for (int k : windowOrder) {
        const int first = k * w;
        const int len = std::min(w, n - first);
        // Each window's own shuffle: a distinct stream per (epoch, window).
        const std::vector<int> inner = epochPermutation(len, mixSeed(seed, 0x1DE5ULL, static_cast<quint64>(k)), epoch);
        for (int i : inner)
            order.push_back(first + i);
    }
    return order;
}

}  // namespace solarchip
