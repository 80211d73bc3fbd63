#include "resources/resources.h"

#include <QtGlobal>

// Static libraries need an explicit Q_INIT_RESOURCE, or the linker drops the resource object.
static void initSolarchipResources() { Q_INIT_RESOURCE(solarchip); }

namespace solarchip {
void initResources() { initSolarchipResources(); }
}  // namespace solarchip
