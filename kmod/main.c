// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - memheap.ko: module parameters, load and unload.
 *
 * Every region is parsed and validated at load, before anything is
 * created, so bad input fails the load with one "memheap: ..." line.  The
 * regions then belong to a platform device: the device tree's
 * "memheap,memheap" node when there is one (bound through the platform
 * driver, so its DMA configuration applies), else a device the module
 * creates and uses itself, so self-backed regions have a DMA-capable
 * device on any machine.
 */
#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <linux/slab.h>

#include "memheap.h"

static char *regions;
module_param(regions, charp, 0444);
MODULE_PARM_DESC(regions,
		 "Regions without a device tree: NAME:SIZE[@PHYS][:OPT]...,... (SIZE with K/M/G; no @PHYS: the driver obtains the memory; OPT: dma spiram internal 8bit 32bit default firstfit buddy cached uncached wc)");

static unsigned long file_limit;
module_param(file_limit, ulong, 0644);
MODULE_PARM_DESC(file_limit,
		 "Bytes one open file may hold (0 = unlimited; writable at runtime)");

static unsigned int low_watermark_pct = 10;
module_param(low_watermark_pct, uint, 0444);
MODULE_PARM_DESC(low_watermark_pct,
		 "Low-watermark event when a region's free bytes fall below this percentage of its size (0-100, default 10)");

/**
 * memheap_file_limit() - current value of the file_limit parameter.
 *
 * Return: bytes one open file may hold, 0 for no limit.
 */
unsigned long memheap_file_limit(void)
{
	return READ_ONCE(file_limit);
}

/**
 * memheap_low_watermark_pct() - the low_watermark_pct parameter.
 *
 * Return: percentage of a region's size.
 */
unsigned int memheap_low_watermark_pct(void)
{
	return low_watermark_pct;
}

/* Validated at load, instantiated by probe. */
static struct memheap_region_spec *memheap_specs;
static unsigned int memheap_nr_specs;
static struct platform_device *memheap_dt_pdev;
static struct platform_device *memheap_own_pdev;

/* Regions, netlink family and /dev/memheap on @dev; all or nothing. */
static int memheap_setup(struct device *dev)
{
	int err;

	if (memheap_dev.dev) {
		dev_err(dev, "only one memheap instance is supported\n");
		return -EBUSY;
	}
	err = dma_set_mask_and_coherent(dev, DMA_BIT_MASK(64));
	if (err) {
		pr_err("memheap: no usable DMA mask (%d)\n", err);
		return err;
	}
	memheap_dev.dev = dev;
	err = memheap_regions_create(dev, memheap_specs, memheap_nr_specs);
	if (err)
		goto err_dev;
	err = memheap_netlink_init();
	if (err) {
		pr_err("memheap: cannot register the generic netlink family (%d)\n",
		       err);
		goto err_regions;
	}
	err = memheap_device_register(dev);
	if (err) {
		pr_err("memheap: cannot register /dev/memheap (%d)\n", err);
		goto err_netlink;
	}
	dev_info(dev, "%u region(s)\n", memheap_dev.nr_regions);
	return 0;

err_netlink:
	memheap_netlink_exit();
err_regions:
	memheap_regions_destroy();
err_dev:
	memheap_dev.dev = NULL;
	return err;
}

static void memheap_teardown(void)
{
	memheap_device_unregister();
	memheap_netlink_exit();
	memheap_regions_destroy();
	memheap_dev.dev = NULL;
}

/*
 * Probe only records the device (the bus has configured its DMA); module
 * init then sets up on it, so a failure is reported once, by us, and
 * fails the load.
 */
static int memheap_probe(struct platform_device *pdev)
{
	if (memheap_dt_pdev)
		return -EBUSY;
	memheap_dt_pdev = pdev;
	return 0;
}

static void memheap_remove(struct platform_device *pdev)
{
	if (memheap_dev.dev == &pdev->dev)
		memheap_teardown();
	if (memheap_dt_pdev == pdev)
		memheap_dt_pdev = NULL;
}

MEMHEAP_REMOVE_ADAPTER(memheap_remove)

static const struct of_device_id memheap_of_match[] = {
	{ .compatible = "memheap,memheap" },
	{ }
};
MODULE_DEVICE_TABLE(of, memheap_of_match);

static struct platform_driver memheap_driver = {
	.probe = memheap_probe,
	.remove = MEMHEAP_PLATFORM_REMOVE(memheap_remove),
	.driver = {
		.name = "memheap",
		.of_match_table = memheap_of_match,
		/* regions are described once, at load */
		.suppress_bind_attrs = true,
	},
};

static int memheap_collect_specs(struct device_node *np)
{
	int err;

	memheap_specs = kcalloc(MEMHEAP_MAX_REGIONS, sizeof(*memheap_specs),
				GFP_KERNEL);
	if (!memheap_specs)
		return -ENOMEM;
	memheap_nr_specs = 0;
	if (np) {
		err = memheap_parse_dt_regions(np, memheap_specs,
					       MEMHEAP_MAX_REGIONS,
					       &memheap_nr_specs);
		if (err)
			return err;
	}
	err = memheap_parse_param_regions(regions, memheap_specs,
					  MEMHEAP_MAX_REGIONS,
					  &memheap_nr_specs);
	if (err)
		return err;
	return memheap_validate_specs(memheap_specs, memheap_nr_specs);
}

static int __init memheap_init(void)
{
	struct platform_device_info info = {
		.name = "memheap",
		.id = PLATFORM_DEVID_NONE,
		.dma_mask = DMA_BIT_MASK(64),
	};
	struct device_node *np;
	int err;

	mutex_init(&memheap_dev.files_lock);
	INIT_LIST_HEAD(&memheap_dev.files);
	if (low_watermark_pct > 100) {
		pr_err("memheap: low_watermark_pct %u is above 100\n",
		       low_watermark_pct);
		return -EINVAL;
	}
	np = of_find_compatible_node(NULL, NULL, "memheap,memheap");
	if (np && !of_device_is_available(np)) {
		of_node_put(np);
		np = NULL;
	}
	err = memheap_collect_specs(np);
	if (err)
		goto err_specs;

	if (!np) {
		/* no device tree node: a device of our own, no driver binding */
		memheap_own_pdev = platform_device_register_full(&info);
		if (IS_ERR(memheap_own_pdev)) {
			err = PTR_ERR(memheap_own_pdev);
			memheap_own_pdev = NULL;
			pr_err("memheap: cannot create the memheap device (%d)\n",
			       err);
			goto err_specs;
		}
		err = memheap_setup(&memheap_own_pdev->dev);
		if (err)
			goto err_pdev;
		return 0;
	}

	err = platform_driver_register(&memheap_driver);
	if (err)
		goto err_specs;
	/* the node's device exists since boot: probe has run */
	if (!memheap_dt_pdev) {
		pr_err("memheap: %pOF has no platform device\n", np);
		err = -ENODEV;
	} else {
		err = memheap_setup(&memheap_dt_pdev->dev);
	}
	if (err) {
		platform_driver_unregister(&memheap_driver);
		goto err_specs;
	}
	of_node_put(np);
	return 0;

err_pdev:
	platform_device_unregister(memheap_own_pdev);
	memheap_own_pdev = NULL;
err_specs:
	of_node_put(np);
	kfree(memheap_specs);
	memheap_specs = NULL;
	return err;
}

static void __exit memheap_exit(void)
{
	if (memheap_own_pdev) {
		memheap_teardown();
		platform_device_unregister(memheap_own_pdev);
	} else {
		memheap_teardown();
		platform_driver_unregister(&memheap_driver);
	}
	kfree(memheap_specs);
}

module_init(memheap_init);
module_exit(memheap_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("memheap developers");
MODULE_DESCRIPTION("Buffers from reserved memory regions (PSRAM, SRAM, carveouts) over /dev/memheap and generic netlink");
MODULE_VERSION(MEMHEAP_VERSION);
