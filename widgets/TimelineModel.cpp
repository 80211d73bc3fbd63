#include "widgets/TimelineModel.h"

namespace solarchip {

TimelineModel::TimelineModel(QObject *parent) : QObject(parent) {}

void TimelineModel::setObservations(const QHash<QString, QVector<qint64>> &timesByChannel)
{
    setIndex(TimeIndex(timesByChannel));
}

void TimelineModel::setIndex(TimeIndex index)
{
    m_index = std::move(index);
    Q_EMIT changed();
}

void TimelineModel::clear()
{
    setIndex(TimeIndex());
}

}  // namespace solarchip
